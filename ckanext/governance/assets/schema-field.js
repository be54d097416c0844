/* The Table Schema field of the resource form: a registry schema, a URL or inline JSON.
 *
 * Each way has its own input, all named "schema"; only the chosen one is enabled, so the
 * form sends exactly one value (none when "no schema" is chosen). Inline JSON is parsed on
 * the way out so that a typo is shown at the field, not after a round trip.
 */
this.ckan.module('governance-schema-field', function ($) {
  return {
    options: {
      invalidJsonText: ''
    },

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.el.find('input[name="governance-schema-mode"]').on('change', this._onMode);
      this.el.closest('form').on('submit', this._onSubmit);
      this.el.find('textarea[name="schema"]').on('input', this._onJsonInput);
    },

    _onMode: function (event) {
      var mode = event.target.value;
      this.el.find('[data-schema-mode]').each(function () {
        var active = this.getAttribute('data-schema-mode') === mode;
        this.disabled = !active;
        this.hidden = !active;
      });
    },

    _jsonError: function () {
      var box = this.el.find('textarea[name="schema"]');
      if (box.prop('disabled')) { return null; }
      try {
        JSON.parse(box.val());
        return null;
      } catch (error) {
        return box;
      }
    },

    _onJsonInput: function () {
      var box = this.el.find('textarea[name="schema"]');
      box.removeClass('is-invalid');
      this.el.find('[data-schema-json-error]').prop('hidden', true);
    },

    _onSubmit: function (event) {
      var box = this._jsonError();
      if (box) {
        event.preventDefault();
        event.stopImmediatePropagation();
        box.addClass('is-invalid').trigger('focus');
        this.el.find('[data-schema-json-error]').text(this.options.invalidJsonText)
          .prop('hidden', false);
      }
    }
  };
});
