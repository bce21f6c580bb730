// Entry of every worker thread while the project runs from TypeScript sources (tsx):
// Node 20 does not pass the parent's TypeScript loader on to worker threads, so each
// worker registers tsx itself before importing its real entry module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
