// Setup of the mutation project (vitest.mutation.config.ts), which runs the pure modules' unit tests in
// plain Node. workerd's Web Crypto has crypto.subtle.timingSafeEqual (functions/links/token.ts,
// functions/security/secrets.ts use it); Node's has not. This stands in for it with workerd's contract:
// equal-length views compared in full, a TypeError for different lengths.
const bytesOf = (view: ArrayBuffer | ArrayBufferView): Uint8Array =>
  view instanceof ArrayBuffer ? new Uint8Array(view) : new Uint8Array(view.buffer, view.byteOffset, view.byteLength);

if (typeof crypto.subtle.timingSafeEqual !== "function") {
  Object.defineProperty(Object.getPrototypeOf(crypto.subtle), "timingSafeEqual", {
    configurable: true,
    value(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean {
      const x = bytesOf(a);
      const y = bytesOf(b);
      if (x.byteLength !== y.byteLength) throw new TypeError("Input buffers must have the same byte length");
      let diff = 0;
      for (let i = 0; i < x.byteLength; i++) diff |= x[i]! ^ y[i]!;
      return diff === 0;
    },
  });
}
