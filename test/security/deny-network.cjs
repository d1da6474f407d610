// Preloaded (node --require) into the CLI and the language server by the security test:
// every way Node offers to start a process, open a socket, resolve a name or fetch a URL
// is replaced by a trap that records the call in PINWISE_DENY_LOG and throws.
'use strict';
const fs = require('node:fs');
const log = process.env.PINWISE_DENY_LOG;
// Proof that the traps were installed in a process: `<log>.loaded` gets one line per process.
if (log) fs.appendFileSync(`${log}.loaded`, `${process.pid} ${process.argv.slice(1, 3).join(' ')}\n`);

function trap(moduleName, object, names) {
  for (const name of names) {
    if (typeof object[name] !== 'function') continue;
    object[name] = function denied() {
      const line = `${moduleName}.${name} called (pid ${process.pid})\n${new Error().stack}\n`;
      if (log) fs.appendFileSync(log, line);
      throw new Error(`pinwise security test: ${moduleName}.${name} is not allowed`);
    };
  }
}

trap('child_process', require('node:child_process'), ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']);
const net = require('node:net');
trap('net', net, ['connect', 'createConnection', 'createServer']);
trap('net.Socket.prototype', net.Socket.prototype, ['connect']);
trap('tls', require('node:tls'), ['connect', 'createServer']);
trap('dgram', require('node:dgram'), ['createSocket']);
trap('dns', require('node:dns'), ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']);
trap('dns.promises', require('node:dns').promises, ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny']);
trap('http', require('node:http'), ['request', 'get', 'createServer']);
trap('https', require('node:https'), ['request', 'get', 'createServer']);
trap('http2', require('node:http2'), ['connect', 'createServer', 'createSecureServer']);
trap('globalThis', globalThis, ['fetch', 'WebSocket', 'EventSource']);
const workers = require('node:worker_threads');
const RealWorker = workers.Worker;
workers.Worker = function DeniedWorker() {
  if (log) fs.appendFileSync(log, `worker_threads.Worker constructed (pid ${process.pid})\n${new Error().stack}\n`);
  throw new Error('pinwise security test: worker_threads.Worker is not allowed');
};
workers.Worker.prototype = RealWorker.prototype;
