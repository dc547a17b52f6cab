// "Back to the shop" on the success and canceled pages: a store's shopper returns to that store
// (`?store=<slug>`, set by create-checkout-session), everyone else to the home page.
(function () {
  var slug = new URLSearchParams(location.search).get('store');
  if (!slug || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(slug)) return; // the storefront's slug pattern
  document.querySelectorAll('a[data-back-to-store]').forEach(function (a) {
    a.href = '/store.html?slug=' + encodeURIComponent(slug);
  });
})();
