// The server's JSON API (docs/API.md). Non-finite numbers arrive as the strings "NaN",
// "Infinity" and "-Infinity"; num() turns them back into numbers.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * The URL of an API path ('api/...') with its query: relative to the page, so that a server under
 * a path prefix (serve --path_prefix /tb, behind a proxy) is asked under that prefix too.
 */
export function apiUrl(path, params) {
  const url = new URL(path, document.baseURI);
  if (params) {
    for (const [k, v] of Object.entries(params)) {
      if (Array.isArray(v)) v.forEach(x => url.searchParams.append(k, x));
      else if (v !== undefined && v !== null) url.searchParams.set(k, v);
    }
  }
  return url;
}

async function getJson(path, params) {
  const res = await fetch(apiUrl(path, params), { headers: { Accept: 'application/json' } });
  if (!res.ok) {
    throw new ApiError(res.status, (await res.text()) || res.statusText);
  }
  return res.json();
}

/** A JSON number, or a non-finite one sent as a string. */
export function num(v) {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v === null || v === undefined ? null : Number(v);
}

export function nums(a) {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = num(a[i]);
  return out;
}

export const api = {
  runs: () => getJson('api/runs'),
  /** A page of every run's tags (at most 10,000 a run, with totals); filter: an RE2 pattern searched by the server. */
  tags: (params = {}) => getJson('api/tags', params),
  /** Downsampled scalars of one tag for several runs: about `buckets` buckets between from and to. */
  scalarBuckets: (tag, runs, buckets, from, to) =>
    getJson('api/scalars', { tag, run: runs, buckets, from, to }),
  scalarPoints: (tag, runs, limit, from, to) => getJson('api/scalars', { tag, run: runs, limit, from, to }),
  histograms: (run, tag, maxSteps) => getJson('api/histograms', { run, tag, maxSteps }),
  distributions: (run, tag) => getJson('api/distributions', { run, tag }),
  blobs: (run, tag) => getJson('api/blobs', { run, tag }),
  blobUrl: (run, tag, step, index = 0) => {
    const u = apiUrl('api/blob', { run, tag, step, index });
    return u.pathname + u.search;
  },
  /** Every scalar point of `runs` (all when empty) x the tags matching `tags` (a regex), streamed. */
  exportUrl: (runs, tags, format) => {
    const u = apiUrl('api/export', { run: runs, tags: tags || undefined, format });
    return u.pathname + u.search;
  },
  downloadUrl: (run, tag, format) => {
    const u = apiUrl('api/scalars/download', { run, tag, format });
    return u.pathname + u.search;
  },
  text: (run, tag) => getJson('api/text', { run, tag }),
  prCurves: (run, tag) => getJson('api/prcurves', { run, tag }),
  /** A run's meshes: the mesh plugin's tags grouped by mesh, with their steps. */
  meshes: run => getJson('api/meshes', { run }),
  /** One element of a mesh's batch at a step: flat vertices, faces and colours. */
  mesh: (run, name, step, sample = 0) => getJson('api/mesh', { run, name, step, sample }),
  /** The clips of one step of an audio tag: rate, channels, length, label. */
  audio: (run, tag, step) => getJson('api/audio', { run, tag, step }),
  /** The custom scalars layout of every run, merged. */
  customScalars: () => getJson('api/customscalars'),
  hparams: () => getJson('api/hparams'),
  progress: () => getJson('api/progress'),
  problems: run => getJson('api/problems', { run }),
  findings: run => getJson('api/findings', { run }),
  explain: run => getJson('api/explain', { run }),
  layers: (run, columns) => getJson('api/layers', { run, columns }),
};

/** Server-sent events: calls onUpdate({runsChanged, findingsChanged, tags: [{run, tag, lastStep}], progress}). */
export function live(onUpdate, onHello) {
  const es = new EventSource(apiUrl('api/events'));
  es.addEventListener('update', e => onUpdate(JSON.parse(e.data)));
  es.addEventListener('hello', e => onHello && onHello(JSON.parse(e.data)));
  return es;
}
