// mjml-browser's bundle hands the global `window` to its module wrapper; under jest (node) there is none. Imported
// first by the specs, before anything loads mjml-browser.
const global = globalThis as { window?: unknown };
global.window ??= globalThis;
export {};
