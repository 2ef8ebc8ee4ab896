// Fetching downsampled scalars: one request per tag for all its runs, at most a few requests in
// flight (the browser keeps six connections per host and the live-update stream holds one), and
// a run that vanished (404) does not take the other runs of the chart down with it.

import { api, nums, ApiError } from '../api.js';

const MAX_IN_FLIGHT = 4;
// Jetty answers a request line over 8 KB with 414: a chart of many runs asks in several requests.
const MAX_URL = 5500;
let inFlight = 0;
const waiting = [];

async function limited(fn) {
  if (inFlight >= MAX_IN_FLIGHT) await new Promise(resolve => waiting.push(resolve));
  inFlight++;
  try {
    return await fn();
  } finally {
    inFlight--;
    const next = waiting.shift();
    if (next) next();
  }
}

function longs(a) {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Number(a[i]);
  return out;
}

/**
 * A ScalarBuckets answer in typed columns. `finite` is the number of finite values per bucket,
 * the weight of its mean when smoothing.
 */
export function parseBuckets(s) {
  const b = {
    run: s.run,
    tag: s.tag,
    firstStep: longs(s.firstStep),
    lastStep: longs(s.lastStep),
    firstWall: nums(s.firstWallTime),
    lastWall: nums(s.lastWallTime),
    min: nums(s.min),
    max: nums(s.max),
    first: nums(s.first),
    last: nums(s.last),
    mean: nums(s.mean),
    count: longs(s.count),
    nan: longs(s.nan),
    posInf: longs(s.posInf),
    negInf: longs(s.negInf),
  };
  const n = b.firstStep.length;
  b.size = n;
  b.finite = new Float64Array(n);
  let exact = true;
  for (let i = 0; i < n; i++) {
    b.finite[i] = b.count[i] - b.nan[i] - b.posInf[i] - b.negInf[i];
    if (b.count[i] > 1) exact = false;
  }
  /** True when every bucket holds one point: the series as logged. */
  b.exact = exact;
  return b;
}

/**
 * Buckets of one tag for several runs over a step range (from/to may be undefined for all):
 * resolves to {byRun: Map run -> buckets, missing: [runs answered 404]}. Other failures reject.
 */
export async function fetchBuckets(tag, runs, buckets, from, to) {
  const byRun = new Map();
  const missing = [];
  if (runs.length === 0) return { byRun, missing };
  const parts = urlSized(tag, runs);
  if (parts.length > 1) {
    for (const p of await Promise.all(parts.map(part => fetchBuckets(tag, part, buckets, from, to)))) {
      for (const [r, b] of p.byRun) byRun.set(r, b);
      missing.push(...p.missing);
    }
    return { byRun, missing };
  }
  const n = Math.max(1, Math.min(20000, Math.round(buckets)));
  const lo = from === undefined || from === null ? undefined : Math.floor(from);
  const hi = to === undefined || to === null ? undefined : Math.ceil(to);
  try {
    const res = await limited(() => api.scalarBuckets(tag, runs, n, lo, hi));
    for (const s of res.series) byRun.set(s.run, parseBuckets(s));
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
    if (runs.length === 1) {
      missing.push(runs[0]);
    } else {
      // One of the runs (or its tag) is gone: ask run by run to keep the others.
      const parts = await Promise.all(runs.map(r => fetchBuckets(tag, [r], n, lo, hi)));
      for (const p of parts) {
        for (const [r, b] of p.byRun) byRun.set(r, b);
        missing.push(...p.missing);
      }
    }
  }
  return { byRun, missing };
}

/** The runs split so that each request's URL stays well under the server's limit. */
function urlSized(tag, runs) {
  const out = [];
  const base = 120 + encodeURIComponent(tag).length;
  let cur = [];
  let len = base;
  for (const r of runs) {
    const add = 5 + encodeURIComponent(r).length;
    if (cur.length && len + add > MAX_URL) {
      out.push(cur);
      cur = [];
      len = base;
    }
    cur.push(r);
    len += add;
  }
  if (cur.length) out.push(cur);
  return out;
}
