/* Live status of a review while its checks run (review page, dataset page).
 *
 * Polls governance_status_show every few seconds and shows how far the check run has got
 * (file n of m, about x of about y rows). Once the run is over, it fetches the page again
 * and swaps in every element marked data-governance-live (by id) and the flash messages, so
 * the result appears without a reload and no "checks are running" flash outlives the run.
 * Texts come translated from the template as data-module-* options.
 *
 *   <div id="..." data-governance-live data-module="governance-live-status"
 *        data-module-package-id="..." data-module-rows-text="..." ...>
 *     <p data-governance-progress-text></p><progress data-governance-progress></progress>
 *   </div>
 */
this.ckan.module('governance-live-status', function ($) {
  var RUNNING = ['checking'];

  return {
    options: {
      packageId: null,
      interval: 2000,
      queuedText: '',
      startedText: '',
      rowsText: '',
      bytesText: '',
      doneText: '',
      errorText: ''
    },

    initialize: function () {
      $.proxyAll(this, /_on/);
      this.failures = 0;
      this.numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
      this.percent = new Intl.NumberFormat(document.documentElement.lang || undefined,
                                           {style: 'percent'});
      this._schedule();
    },

    _schedule: function () {
      // Back off while the portal does not answer, up to a minute between tries.
      var wait = this.options.interval * Math.min(Math.pow(2, this.failures), 30);
      this.timer = window.setTimeout(this._onPoll, wait);
    },

    _onPoll: function () {
      var url = ckan.url('/api/3/action/governance_status_show') +
        '?package_id=' + encodeURIComponent(this.options.packageId);
      fetch(url, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
        .then(function (response) {
          if (!response.ok) { throw new Error('HTTP ' + response.status); }
          return response.json();
        })
        .then(this._onStatus, this._onError);
    },

    _onStatus: function (answer) {
      this.failures = 0;
      var review = answer.result && answer.result.review;
      if (!review || RUNNING.indexOf(review.state) === -1) {
        this._say(this.options.doneText);
        this._refresh();
        return;
      }
      var run = review.latest_check_run || {};
      this._showProgress(run.progress);
      this._schedule();
    },

    _onError: function () {
      this.failures += 1;
      this._say(this.options.errorText);
      this._schedule();
    },

    _say: function (text) {
      this.el.find('[data-governance-progress-text]').text(text);
    },

    _fill: function (template, values) {
      return template.replace(/\{(\w+)\}/g, function (all, name) {
        return name in values ? values[name] : all;
      });
    },

    _showProgress: function (progress) {
      var bar = this.el.find('[data-governance-progress]');
      if (!progress) {
        this._say(this.options.queuedText);
        bar.removeAttr('value');
        return;
      }
      var values = {
        index: this.numbers.format(Math.max(progress.resource_index, 1)),
        count: this.numbers.format(progress.resource_count),
        name: progress.resource_name || '',
        rows: this.numbers.format(progress.rows_checked),
        total: this.numbers.format(progress.rows_total),
        percent: this.percent.format(
          progress.bytes_total ? progress.bytes_read / progress.bytes_total : 0)
      };
      if (!progress.resource_index) {
        this._say(this.options.startedText);
      } else if (progress.rows_total) {
        this._say(this._fill(this.options.rowsText, values));
      } else {
        this._say(this._fill(this.options.bytesText, values));
      }
      if (progress.bytes_total) {
        // The whole run: finished files plus the share of the current one.
        var done = progress.resource_index - 1 + progress.bytes_read / progress.bytes_total;
        bar.attr('max', progress.resource_count).attr('value', done);
      }
    },

    _refresh: function () {
      fetch(window.location.href, {credentials: 'same-origin'})
        .then(function (response) {
          if (!response.ok) { throw new Error('HTTP ' + response.status); }
          return response.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, 'text/html');
          // A flash shown with the page ("submitted, the checks run") is out of date now;
          // the fresh page has none (a flash is shown once).
          var flashes = fresh.querySelector('.flash-messages');
          $('.flash-messages').each(function () {
            this.replaceChildren.apply(this, flashes ? Array.prototype.map.call(
              flashes.childNodes, function (node) { return document.importNode(node, true); })
              : []);
          });
          $('[data-governance-live]').each(function () {
            var replacement = this.id && fresh.getElementById(this.id);
            if (replacement) {
              var node = document.importNode(replacement, true);
              this.replaceWith(node);
              $(node).find('[data-module]').addBack('[data-module]').each(function () {
                ckan.module.initializeElement(this);
              });
            }
          });
        })
        .catch(this._onError);
    }
  };
});
