/**
 * stripe-checkout.js: sell with one script tag and one button. No dependencies, no build.
 *
 *   <script src="/stripe-checkout.js" defer></script>
 *   <button data-price-id="price_…">Buy</button>
 *
 * Optional on the button: data-quantity="2" (1–99), data-store="shop-slug" (a marketplace
 * seller). Only the price id, quantity and store are sent; amounts always come from Stripe.
 * Buttons added to the page later work too (one click listener on the document).
 *
 * Another origin: load the script from the deployment and name it as the API base; the
 * page's origin must be listed in the deployment's ALLOWED_ORIGINS.
 *   <script src="https://shop.example.com/stripe-checkout.js" data-api-base="https://shop.example.com" defer></script>
 *
 * Without JavaScript, a plain form does the same (the server answers 303 to Stripe Checkout):
 *   <form method="post" action="/api/create-checkout-session">
 *     <input type="hidden" name="priceId" value="price_…">
 *     <input type="hidden" name="quantity" value="1">
 *     <button>Buy</button>
 *   </form>
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var base = ((script && script.getAttribute('data-api-base')) || '').replace(/\/+$/, '');
  var endpoint = base + '/api/create-checkout-session';
  var GENERIC = 'Checkout is unavailable right now. Please try again in a moment.';
  var OFFLINE = 'Could not reach the checkout server. Check your connection and try again.';
  var seq = 0;

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    // randomUUID needs a secure context; getRandomValues does not.
    var b = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
  }

  // A polite live region right after the button, so screen readers announce the error.
  // The button's own message area, created once: the site's own descriptions (hints it points
  // aria-describedby at) are kept, never overwritten.
  function regionFor(el) {
    var described = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    for (var i = 0; i < described.length; i++) {
      if (described[i].indexOf('stripe-checkout-msg-') === 0 && document.getElementById(described[i])) {
        return document.getElementById(described[i]);
      }
    }
    var region = document.createElement('span');
    region.id = 'stripe-checkout-msg-' + ++seq;
    region.className = 'stripe-checkout-error';
    region.setAttribute('aria-live', 'polite');
    el.insertAdjacentElement('afterend', region);
    el.setAttribute('aria-describedby', described.concat(region.id).join(' '));
    return region;
  }

  function setBusy(el, busy) {
    if (busy) el.setAttribute('aria-busy', 'true');
    else el.removeAttribute('aria-busy');
    if ('disabled' in el) el.disabled = busy;
    else if (busy) el.setAttribute('aria-disabled', 'true');
    else el.removeAttribute('aria-disabled');
  }

  function bodyFor(el) {
    var body = { priceId: el.getAttribute('data-price-id') };
    var q = el.getAttribute('data-quantity');
    var store = el.getAttribute('data-store');
    if (q) body.quantity = /^\d+$/.test(q) ? Number(q) : q; // the server explains a bad value
    if (store) body.store = store;
    return body;
  }

  function start(el) {
    var region = regionFor(el);
    region.textContent = '';
    setBusy(el, true);
    fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': newKey() },
      body: JSON.stringify(bodyFor(el)),
    })
      .then(function (res) {
        return res.json().catch(function () { return {}; }).then(function (data) {
          if (res.ok && data.url) return location.assign(data.url); // stay disabled while leaving
          throw new Error((data.error && data.error.message) || GENERIC);
        });
      }, function () { throw new Error(OFFLINE); })
      .catch(function (err) {
        setBusy(el, false);
        region.textContent = err.message;
      });
  }

  document.addEventListener('click', function (e) {
    var el = e.target && e.target.closest && e.target.closest('[data-price-id]');
    if (!el) return;
    e.preventDefault(); // also stops a surrounding no-JS form from posting a second time
    if (el.getAttribute('aria-busy') !== 'true') start(el);
  });

  // Coming back from Stripe with the Back button restores the page from cache, busy and all.
  window.addEventListener('pageshow', function (e) {
    if (!e.persisted) return;
    var busy = document.querySelectorAll('[data-price-id][aria-busy="true"]');
    for (var i = 0; i < busy.length; i++) setBusy(busy[i], false);
  });
})();
