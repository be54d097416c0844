/* Not loaded in pages: marks strings for translation only.
 *
 * CKAN 2.12 builds the JavaScript catalogue served at /api/i18n/<lang> from the strings that
 * the .pot files of CKAN and its extensions place in .js files. CKAN's own .pot misses the
 * slug preview's "Edit" button (ckan/public/base/javascript/modules/slug-preview.js), so the
 * dataset form showed it in English on German pages. Naming it here puts it into this
 * extension's .pot (pybabel extracts ckanext/**.js) and its German into that catalogue.
 */
this.ckan.i18n._('Edit');
