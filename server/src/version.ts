// The one version of Pinwise: package.json's, stamped into the bundles by scripts/build.mjs
// (from source, under tsx or vitest, it is read from package.json itself).
declare const PINWISE_VERSION: string | undefined;

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const pinwiseVersion: string = typeof PINWISE_VERSION === 'string' ? PINWISE_VERSION : (require('../../package.json') as { version: string }).version;
