// Between tests, one turn of the event loop: a file of many synchronous tests (bad-input.test.ts
// runs 300 in 80 s) otherwise never lets the worker read vitest's RPC replies, and the run ends with
// "Timeout calling onTaskUpdate" although every test passed.
import { afterEach } from 'vitest';

afterEach(() => new Promise<void>((resolve) => setImmediate(resolve)));
