// What a scalar tag is, for the order of the Scalars tab's groups and for how a tag is drawn:
// the training's own metrics (loss, accuracy, validation) come first, the diagnostics a listener
// writes (trainscope's DJL listener and trainscope-torch: grad_norm/, grad_zero_fraction/,
// update_ratio/, dead_units/, activation_mean/, activation_std/, inputs/...; Lightning's
// grad_2.0_norm/) after everything else; a batch fingerprint is a hash, not a quantity.

/** Groups (prefixes before the first '/') of diagnostics rather than results. */
const DIAGNOSTIC = /^(grads?|gradients?|grad_.*|update_ratio|updates?|dead_units|activations?|activation_.*|weights|biases|params|parameters|inputs|features|feature_maps|filters|latent|histograms?)$/i;
const LOSS = /loss/i;
const ACCURACY = /acc/i;
/** A validation split, as a name's word: val/loss, val_acc, validation, eval/..., test_loss. */
const VALIDATION = /(^|[/_\-. ])(val|valid|validation|eval|evaluation|test)($|[/_\-. ])/i;

/** At most this many tags of a group are looked at to rank it: a group can hold a million. */
const LOOK = 1000;

/**
 * The rank of a tag: 0 a loss, 1 an accuracy, 2 another validation metric, 3 anything else,
 * 4 a diagnostic of the listener (whatever its name holds: grad_norm/loss_head is a diagnostic).
 */
export function tagRank(tag) {
  const slash = tag.indexOf('/');
  const prefix = slash > 0 ? tag.slice(0, slash) : tag;
  if (DIAGNOSTIC.test(prefix)) return 4;
  if (LOSS.test(tag)) return 0;
  if (ACCURACY.test(tag)) return 1;
  if (VALIDATION.test(tag)) return 2;
  return 3;
}

/** A group's rank: the best of its tags'. */
export function groupRank(tags) {
  let best = 4;
  for (let i = 0; i < tags.length && i < LOOK && best > 0; i++) best = Math.min(best, tagRank(tags[i]));
  return best;
}

/** Tag groups ([[prefix, tags]], in order of first appearance) by rank, that order kept within a rank. */
export function orderGroups(groups) {
  return [...groups].map((g, i) => [g, groupRank(g[1]), i]).sort((a, b) => a[1] - b[1] || a[2] - b[2]).map(x => x[0]);
}

/**
 * True for a batch fingerprint (the listeners' inputs/fingerprint, role batch_fingerprint: a
 * 24-bit hash of a batch, equal at two steps when the batch repeats): points, never smoothed.
 */
export function isFingerprint(tag, info) {
  if (/(^|\/)fingerprints?$/i.test(tag)) return true;
  const desc = info && info.description;
  return typeof desc === 'string' && /\brole:\s*batch_fingerprint\b/.test(desc);
}
