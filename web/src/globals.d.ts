/** The Buffer that shared src modules use is web/src/node-shims.ts's, injected by esbuild. */
declare const Buffer: typeof import('./node-shims.ts').Buffer;
