// The Runs table's data: a row per run from what the shell already holds (RunInfo and the run's
// tags), hyperparameters from /api/hparams, and the last value of chosen scalar tags fetched per
// tag for many runs at once (one bucket over all steps), cached until the tag's last step moves.

import { num } from '../api.js';

/** PyTorch's add_hparams logs into a sub-run named by a timestamp: "run/1712345678.123". */
const SESSION_SUBRUN = /^\d{9,}(\.\d+)?$/;

/** Session rows by run; a run with no session of its own takes its only timestamp-named sub-run's. */
export function hparamsByRun(table, runNames) {
  const own = new Map();
  for (const r of table.rows || []) own.set(r.run, { ...r, from: null });
  const out = new Map(own);
  const children = new Map();
  for (const r of own.keys()) {
    const slash = r.lastIndexOf('/');
    if (slash <= 0 || !SESSION_SUBRUN.test(r.slice(slash + 1))) continue;
    const parent = r.slice(0, slash);
    children.set(parent, children.has(parent) ? null : r);
  }
  for (const run of runNames) {
    const child = children.get(run);
    if (!own.has(run) && child) out.set(run, { ...own.get(child), from: child });
  }
  return out;
}

/** One row per run: steps and wall times over all of the run's tags. */
export function buildRow(info, tags, hp) {
  let first = Infinity;
  let last = -Infinity;
  const scalarTags = new Map();
  for (const t of tags) {
    if (t.count > 0 && t.kind !== 'hparams') {
      if (t.firstStep < first) first = t.firstStep;
      if (t.lastStep > last) last = t.lastStep;
    }
    if (t.kind === 'scalar') scalarTags.set(t.tag, t);
  }
  const start = info.firstWallTime > 0 ? info.firstWallTime : NaN;
  const end = info.lastWallTime > 0 ? info.lastWallTime : NaN;
  return {
    run: info.name, info,
    first: Number.isFinite(first) ? first : null,
    last: Number.isFinite(last) ? last : null,
    start, end, duration: end >= start ? end - start : NaN,
    events: info.events, files: info.files.length, problems: info.problems,
    scalarTags, hp: hp || null,
  };
}

/** Whether a tag reads as a loss or an accuracy: the default scalar columns. */
export function looksLikeLossOrAccuracy(tag) {
  return /(^|[/_.\s-])(loss|acc|accuracy)$/i.test(tag);
}

const MAX_URL = 5500;

export class LastValues {
  constructor(api, onData) {
    this.api = api;
    this.onData = onData;
    this.cache = new Map();   // run \n tag -> {value, step, version}
    this.inflight = new Set();
    this.errors = [];
  }

  get(run, tag) {
    return this.cache.get(run + '\n' + tag);
  }

  /** Fetches the values that are missing or out of date for these rows and tags. */
  async fetch(rows, tags) {
    const jobs = [];
    for (const tag of tags) {
      const runs = [];
      for (const r of rows) {
        const info = r.scalarTags.get(tag);
        if (!info) continue;
        const key = r.run + '\n' + tag;
        const have = this.cache.get(key);
        if ((have && have.version === info.lastStep) || this.inflight.has(key)) continue;
        runs.push(r.run);
        this.inflight.add(key);
      }
      for (const chunk of chunks(tag, runs)) jobs.push({ tag, runs: chunk });
    }
    const worker = async () => {
      while (jobs.length) {
        const job = jobs.shift();
        try {
          const res = await this.api.scalarBuckets(job.tag, job.runs, 1);
          for (const s of res.series) {
            const n = s.last.length;
            this.cache.set(s.run + '\n' + job.tag, {
              value: n ? num(s.last[n - 1]) : null, step: n ? s.lastStep[n - 1] : null,
              version: n ? s.lastStep[n - 1] : null,
            });
          }
        } catch (e) {
          // one run vanished or lost the tag: ask again run by run so the others still show
          if (job.runs.length > 1) {
            for (const run of job.runs) jobs.push({ tag: job.tag, runs: [run] });
          } else {
            this.cache.set(job.runs[0] + '\n' + job.tag, { value: null, step: null, version: null, error: e.message });
          }
        } finally {
          for (const run of job.runs) this.inflight.delete(run + '\n' + job.tag);
        }
        this.onData();
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
  }

  pending() {
    return this.inflight.size;
  }
}

function chunks(tag, runs) {
  const out = [];
  let cur = [];
  let len = 80 + encodeURIComponent(tag).length;
  for (const r of runs) {
    const add = 5 + encodeURIComponent(r).length;
    if (cur.length && len + add > MAX_URL) {
      out.push(cur);
      cur = [];
      len = 80 + encodeURIComponent(tag).length;
    }
    cur.push(r);
    len += add;
  }
  if (cur.length) out.push(cur);
  return out;
}
