/* select2 (CKAN's tag and autocomplete fields) names the "x" of a chosen item "Remove item"
 * whatever the page's language: CKAN's autocomplete module passes it only three of its texts,
 * and select2's own German has no such text. select2 falls back to its defaults for the texts
 * a field leaves out, so the defaults get them from CKAN's JavaScript catalogue, which is
 * loaded by the time a field is drawn. */
jQuery.fn.select2.defaults.set('language', {
  removeItem: function () { return ckan.i18n._('Remove item'); },
  removeAllItems: function () { return ckan.i18n._('Remove all items'); }
});
