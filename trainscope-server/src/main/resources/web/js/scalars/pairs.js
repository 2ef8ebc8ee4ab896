// Which tags belong on one chart: the training and validation versions of one metric. What split a
// tag was computed on comes from its meaning (/api/tags TagInfo.meaning: stated in its metadata or
// inferred by the store from the naming habits of Keras, PyTorch Lightning, tensorboardX and
// hand-written loops); which metric it is, from its role and the words of its name that are neither
// a split nor a logging cadence. So train/loss + val/loss, loss/train + loss/val, train_loss +
// val_loss pair as before, and Lightning's train_loss_step + train_loss_epoch + val_loss, or Keras'
// batch_loss (train) + epoch_loss (train and validation runs), now pair too. (Keras' own train/ and
// validation/ runs with the same tag are overlaid by every chart already.)

const SPLIT_WORDS = new Set(['train', 'training', 'trn', 'val', 'valid', 'validation', 'vali', 'eval', 'evaluation',
  'test', 'dev']);
/** Words that say how often a value was logged, not what it is: Keras' epoch_/batch_, Lightning's _step/_epoch. */
const CADENCE_WORDS = new Set(['step', 'epoch', 'batch']);

/** The words of a tag's name that name its metric, joined by '_' ("Loss/train" -> "Loss"). */
export function metricName(tag) {
  return tag.split(/[/_.\- ]+/).filter(w => w && !SPLIT_WORDS.has(w.toLowerCase()) && !CADENCE_WORDS.has(w.toLowerCase()))
    .join('_');
}

/**
 * Train/validation pairs among tags, given as Map tag -> [TagInfo of each run having it]:
 * [{name, tags}] with the training tags first, in order of first appearance. A tag counts as
 * validation when any of its runs computed it on validation data, as training when all that say
 * computed it on training data; a pair needs a training tag and a validation one.
 */
export function findPairs(tagInfos) {
  const byMetric = new Map();
  for (const [tag, infos] of tagInfos) {
    const meanings = infos.map(i => i.meaning).filter(Boolean);
    const splits = new Set(meanings.map(m => m.split).filter(Boolean));
    if (splits.size === 0) continue;
    const m = meanings[0];
    const name = metricName(tag);
    if (!name) continue;
    const key = `${m.role}\u0000${m.layer}\u0000${name.toLowerCase()}`;
    if (!byMetric.has(key)) byMetric.set(key, { name, train: [], other: [] });
    byMetric.get(key)[splits.has('val') ? 'other' : 'train'].push(tag);
  }
  const out = [];
  for (const g of byMetric.values()) {
    if (g.train.length && g.other.length) out.push({ name: g.name, tags: [...g.train, ...g.other] });
  }
  return out;
}
