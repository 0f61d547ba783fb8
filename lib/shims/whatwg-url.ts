/**
 * Stands in for the whatwg-url package in the Lambda bundles. The MongoDB
 * driver reaches it (through mongodb-connection-string-url) only for the URL
 * class, which Node.js ships natively with the same WHATWG parsing; the
 * package and its tr46 tables would add about 280 KB to every function.
 * test/unit/whatwg-url-shim.test.ts parses the same connection strings both
 * ways and expects the same results.
 */
export const URL = globalThis.URL;
export const URLSearchParams = globalThis.URLSearchParams;
