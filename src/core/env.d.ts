// The only host globals src/core may use: ones that exist alike in Node, browsers and workers.
// tsconfig.core.json checks src/core against this file instead of Node's and the DOM's types.
declare function structuredClone<T>(value: T): T;
