// Formats a Stripe amount (an integer in the currency's minor unit) for the pages. Stripe's minor
// units are not always ISO's: Intl says 0 decimals for HUF, ISK, IDR…, where Stripe counts 2
// (an ISK amount of 100 is 1 króna). The same lists as lib/fulfilment/money.ts, which formats
// the confirmation email: https://docs.stripe.com/currencies
(function () {
  'use strict';
  var ZERO = ['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'];
  var THREE = ['bhd', 'jod', 'kwd', 'omr', 'tnd'];

  window.stripeMoney = function (amount, currency, locale) {
    var c = String(currency).toLowerCase();
    var digits = ZERO.indexOf(c) >= 0 ? 0 : THREE.indexOf(c) >= 0 ? 3 : 2;
    var major = amount / Math.pow(10, digits);
    try {
      var code = c.toUpperCase();
      var iso = new Intl.NumberFormat(locale, { style: 'currency', currency: code }).resolvedOptions().minimumFractionDigits;
      return new Intl.NumberFormat(locale, {
        style: 'currency', currency: code, minimumFractionDigits: Math.min(iso, digits), maximumFractionDigits: digits,
      }).format(major);
    } catch (e) {
      return major.toFixed(digits) + ' ' + c.toUpperCase(); // not a currency Intl knows
    }
  };
})();
