/* The Table Schema field of the resource form: a registry schema, a URL or inline JSON.
 *
 * Each way has its own input, all named "schema"; only the chosen one is enabled, so the
 * form sends exactly one value (none when "no schema" is chosen). Inline JSON is parsed on
 * the way out so that a typo is shown at the field, not after a round trip. That check
 * listens in the capture phase, before CKAN's basic-form module, which would otherwise
 * disable the save buttons of a form that is not sent.
 */
this.ckan.module('governance-schema-field', function ($) {
  return {
    options: {
      invalidJsonText: ''
    },

    initialize: function () {
      $.proxyAll(this, /_on/);
      var modes = this.el.find('select[data-schema-modes]');
      modes.on('change', this._onMode);
      // CKAN starts modules after fetching its translations: a choice made before counts.
      this._show(modes.val());
      this.el.closest('form')[0].addEventListener('submit', this._onSubmit, true);
      this.el.find('textarea[name="schema"]').on('input', this._onJsonInput);
    },

    _onMode: function (event) {
      this._show(event.target.value);
    },

    _show: function (mode) {
      this.el.find('[data-schema-mode]').each(function () {
        var active = this.getAttribute('data-schema-mode') === mode;
        this.disabled = !active;
        this.hidden = !active;
      });
    },

    _jsonError: function () {
      var box = this.el.find('textarea[name="schema"]');
      // :disabled, not the property: the box is disabled through its fieldset.
      if (box.is(':disabled')) { return null; }
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
