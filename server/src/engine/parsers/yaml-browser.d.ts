// `#yaml` is the yaml package's browser build (tsconfig.json paths, vitest.config.ts alias): the same
// API as its Node build, without the Node built-ins (process, buffer) that build requires.
declare module '#yaml' {
  export * from 'yaml';
}
