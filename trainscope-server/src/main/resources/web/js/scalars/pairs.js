// Which tags belong on one chart: the training and validation versions of one metric, by the
// naming habits of Keras, PyTorch Lightning, tensorboardX and hand-written loops:
//   train/loss + val/loss, loss/train + loss/val, train_loss + val_loss, loss_train + loss_val.
// (Keras's own train/ and validation/ subdirectories are separate runs with the same tag, which
// every chart overlays already.)

const TRAIN = 'train|training';
const OTHER = 'val|valid|validation|eval|evaluation|test|dev';
const ROLE = new RegExp(`^(?:(${TRAIN})|(${OTHER}))$`, 'i');

/** The metric and role of a tag ({metric, role: 'train' | 'other', order}) or null. */
function parse(tag) {
  // Prefix: role, separator, metric. Suffix: metric, separator, role.
  let m = /^([^/_]+)([/_])(.+)$/.exec(tag);
  if (m) {
    const r = ROLE.exec(m[1]);
    if (r) return { metric: `${m[3]}\u0000${m[2]}p`, role: r[1] ? 'train' : 'other', name: m[3] };
  }
  m = /^(.+)([/_])([^/_]+)$/.exec(tag);
  if (m) {
    const r = ROLE.exec(m[3]);
    if (r) return { metric: `${m[1]}\u0000${m[2]}s`, role: r[1] ? 'train' : 'other', name: m[1] };
  }
  return null;
}

/**
 * Train/validation pairs among tag names: [{name, tags}] with the training tag first, in order of
 * the training tags' first appearance. A pair needs a training tag and at least one other.
 */
export function findPairs(tags) {
  const byMetric = new Map();
  for (const tag of tags) {
    const p = parse(tag);
    if (!p) continue;
    if (!byMetric.has(p.metric)) byMetric.set(p.metric, { name: p.name, train: [], other: [] });
    byMetric.get(p.metric)[p.role].push(tag);
  }
  const out = [];
  for (const g of byMetric.values()) {
    if (g.train.length && g.other.length) out.push({ name: g.name, tags: [...g.train, ...g.other] });
  }
  return out;
}
