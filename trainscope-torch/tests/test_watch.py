import copy
import math
import struct
import unittest
import warnings

from support import LogdirTest, mnist
import eventfile
import torch
from torch import nn
from torch.nn import functional as F

from test_records import decode_grey_png
from test_stats import reference_histogram
from trainscope_torch import watch
from trainscope_torch import stats


def f32(x):
    """x as the float32 an event file holds."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


class Net(nn.Module):
    """A small CNN with every kind of layer the watch tells apart: a convolution with a ReLU module,
    a dense layer followed by batch norm (no activation of its own), batch norm with a sigmoid,
    dropout and a last dense layer with none."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, padding=1)
        self.act = nn.ReLU()
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(4 * 14 * 14, 16)
        self.bn = nn.BatchNorm1d(16)
        self.sig = nn.Sigmoid()
        self.drop = nn.Dropout(0.5)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(self.act(self.conv(x)))
        x = self.sig(self.bn(self.fc1(x.flatten(1))))
        return self.fc2(self.drop(x))


PARAMS = {"conv": ("conv", "weight"), "conv/bias": ("conv", "bias"), "fc1": ("fc1", "weight"),
          "fc1/bias": ("fc1", "bias"), "bn": ("bn", "weight"), "bn/bias": ("bn", "bias"), "fc2": ("fc2", "weight"),
          "fc2/bias": ("fc2", "bias")}

X, Y = mnist(256)


def batches(n, size=32):
    for i in range(n):
        j = (i * size) % (len(X) - size + 1)
        yield X[j:j + size], Y[j:j + size]


def probe_outputs(model, probe):
    """Each module's output for the probe batch in evaluation mode, on a copy of the model."""
    m = copy.deepcopy(model).eval()
    out = {}
    hooks = [mod.register_forward_hook(lambda mod, i, o, name=name: out.setdefault(name, o.detach().clone()))
             for name, mod in m.named_modules() if name]
    with torch.no_grad():
        m(probe)
    for h in hooks:
        h.remove()
    return out


class WatchedTrainingTest(LogdirTest):
    """A few steps of a real training, each logged quantity against a direct computation at the same moment."""

    @classmethod
    def setUpClass(cls):
        cls.expected = None

    def train(self, steps=6, histograms_every=2, **kw):
        torch.manual_seed(0)
        model = Net()
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        w = watch(model, self.logdir, opt, histograms_every=histograms_every, images_every=4, **kw)
        exp = {"grad_norm": {}, "zero": {}, "update": {}, "weights": {}, "grads": {}, "probe": {}, "lr": {}}
        probe = None
        for s, (x, y) in enumerate(batches(steps)):
            if probe is None:
                probe = x[:32].clone()
            opt.zero_grad()
            out = model(x)
            loss = F.cross_entropy(out, y)
            loss.backward()
            params = dict(model.named_parameters())
            before = {}
            for tag, (mod, name) in PARAMS.items():
                p = params[mod + "." + name]
                g = p.grad.detach().to(torch.float64)
                exp["grad_norm"].setdefault(tag, []).append((s, g.norm().item()))
                exp["zero"].setdefault(tag, []).append((s, (p.grad == 0).sum().item() / p.numel()))
                before[tag] = p.detach().clone()
                if s % histograms_every == 0:
                    exp["weights"].setdefault(tag, []).append((s, p.detach().clone()))
                    exp["grads"].setdefault(tag, []).append((s, p.grad.detach().clone()))
            if s % histograms_every == 0:
                exp["probe"][s] = probe_outputs(model, probe)
            exp["lr"][s] = opt.param_groups[0]["lr"]
            opt.step()
            for tag, (mod, name) in PARAMS.items():
                p = params[mod + "." + name].detach().to(torch.float64)
                b = before[tag].to(torch.float64)
                if b.norm() > 0:  # a parameter that is all zero (bn's bias at the start) has no ratio
                    exp["update"].setdefault(tag, []).append((s, ((p - b).norm() / b.norm()).item()))
            w.log_step(loss=loss, metrics={"Accuracy": (out.argmax(1) == y).float().mean()})
        w.close()
        self.final = {k: v.detach().clone() for k, v in model.named_parameters()}
        return model, exp

    def assertSeries(self, expected, actual, rel=1e-6):
        self.assertEqual([s for s, _ in expected], [s for s, _ in actual])
        for (s, e), (_, a) in zip(expected, actual):
            self.assertTrue(math.isclose(f32(e), a, rel_tol=rel, abs_tol=1e-30), "step %d: %r != %r" % (s, e, a))

    def test_gradients_normsAndZeroFractions_asAfterBackwardBeforeStep(self):
        _, exp = self.train()
        _, values, _ = self.read()
        for tag in PARAMS:
            self.assertSeries(exp["grad_norm"][tag], self.series(values, "grad_norm/" + tag))
            self.assertSeries(exp["zero"][tag], self.series(values, "grad_zero_fraction/" + tag))

    def test_updateRatio_isTheStepsChangeOverTheWeights(self):
        _, exp = self.train()
        _, values, _ = self.read()
        for tag in PARAMS:
            self.assertSeries(exp["update"][tag], self.series(values, "update_ratio/" + tag))

    def test_histograms_weightsAndGradients_bucketedFromTheValuesAtThatStep(self):
        _, exp = self.train()
        _, values, _ = self.read()
        for tag, (mod, name) in PARAMS.items():
            wtag = ("biases/" if name == "bias" else "weights/") + mod
            logged = [(v.step, v.tensor["values"]) for v in values if v.tag == wtag]
            for (s, w), (ls, rows) in zip(exp["weights"][tag], logged):
                self.assertEqual(s, ls)
                self.assertEqual(sum(reference_histogram(w.reshape(-1).tolist()), []), rows, wtag)
            self.assertEqual(len(exp["weights"][tag]) + 1, len(logged), "after the last step too: " + wtag)
            self.assertEqual(6, logged[-1][0], "after the last step: at the number of steps done")
            self.assertEqual(sum(reference_histogram(self.final[mod + "." + name].reshape(-1).tolist()), []),
                             logged[-1][1])
            glogged = [(v.step, v.tensor["values"]) for v in values if v.tag == "grad/" + tag]
            self.assertEqual([s for s, _ in exp["grads"][tag]], [s for s, _ in glogged])
            for (s, g), (_, rows) in zip(exp["grads"][tag], glogged):
                self.assertEqual(sum(reference_histogram(g.reshape(-1).tolist()), []), rows, "grad/" + tag)

    def test_activations_probeBatchInEvalMode_preAndPostOfTheActivationModule(self):
        _, exp = self.train()
        _, values, _ = self.read()
        for s, out in exp["probe"].items():
            def hist(tag):
                got = [v.tensor["values"] for v in values if v.tag == tag and v.step == s]
                self.assertEqual(1, len(got), "%s at %d" % (tag, s))
                return got[0]
            self.assertEqual(sum(reference_histogram(out["conv"].reshape(-1).tolist()), []),
                             hist("activations/conv/pre"))
            self.assertEqual(sum(reference_histogram(out["act"].reshape(-1).tolist()), []),
                             hist("activations/conv/post"))
            self.assertEqual(sum(reference_histogram(out["sig"].reshape(-1).tolist()), []),
                             hist("activations/bn/post"))
            self.assertEqual(sum(reference_histogram(out["fc2"].reshape(-1).tolist()), []),
                             hist("activations/fc2/pre"))
            at = {v.tag: v.tensor["values"][0] for v in values if v.step == s and v.tensor.get("shape") == []
                  and "values" in v.tensor}
            self.assertEqual(f32(stats.dead_unit_fraction(out["act"])), at["dead_units/conv"])
            post = out["act"].to(torch.float64)
            self.assertAlmostEqual(post.mean().item(), at["activation_mean/conv"], places=6)
            self.assertAlmostEqual(post.std(unbiased=False).item(), at["activation_std/conv"], places=6)
            self.assertAlmostEqual(out["fc1"].double().std(unbiased=False).item(), at["activation_std/fc1"], places=6)
        tags = {v.tag for v in values}
        self.assertNotIn("activations/fc1/post", tags, "fc1 feeds batch norm, not an activation module")
        self.assertNotIn("dead_units/bn", tags, "a sigmoid has no dead units")

    def test_lossMetricsAndLearningRate_perStep(self):
        _, exp = self.train()
        _, values, _ = self.read()
        self.assertEqual(list(range(6)), [s for s, _ in self.series(values, "train/loss")])
        self.assertEqual(list(range(6)), [s for s, _ in self.series(values, "train/accuracy")])
        self.assertEqual([(s, f32(lr)) for s, lr in exp["lr"].items()], self.series(values, "train/lr"))

    def test_inputs_histogramFingerprintsAndPictures(self):
        self.train()
        _, values, _ = self.read()
        hist = [v for v in values if v.tag == "inputs/histogram"]
        self.assertEqual([0, 2, 4], [v.step for v in hist])
        self.assertEqual(sum(reference_histogram(X[64:96].reshape(-1).tolist()), []), hist[1].tensor["values"])
        fps = self.series(values, "inputs/fingerprint")
        self.assertEqual([(s, float(stats.fingerprint([x]))) for s, (x, _) in enumerate(batches(6))], fps)
        pics = [v for v in values if v.tag == "inputs/train"]
        self.assertEqual([0, 4], [v.step for v in pics])
        self.assertEqual([b"242", b"62"], pics[0].tensor["strings"][:2])  # 8 x 2 digits of 28, 2 pixels apart
        pixels = decode_grey_png(pics[0].tensor["strings"][2])
        first = [pixels[(2 + y) * 242 + 2 + x] for y in range(28) for x in range(28)]
        self.assertEqual([round(v * 255) for v in X[0].reshape(-1).tolist()], first)

    def test_metadata_lastDescriptionLine_asTheDjlListenerWritesIt(self):
        self.train()
        _, values, _ = self.read()
        expected = {
            "grad_norm/conv": "role: grad_norm, split: train, layer: conv, param: weight",
            "grad_zero_fraction/fc1/bias": "role: grad_zero_fraction, split: train, layer: fc1, param: bias",
            "update_ratio/bn": "role: update_ratio, split: train, layer: bn, param: weight",
            "grad/fc2": "role: gradients, split: train, layer: fc2, param: weight",
            "weights/conv": "role: weights, layer: conv, param: weight",
            "biases/conv": "role: biases, layer: conv, param: bias",
            "activations/conv/pre": "role: pre_activations, layer: conv",
            "activations/conv/post": "role: activations, layer: conv",
            "dead_units/conv": "role: dead_units, layer: conv",
            "activation_mean/bn": "role: activation_mean, layer: bn",
            "activation_std/fc1": "role: activation_std, layer: fc1",
            "train/loss": "role: loss, split: train",
            "train/accuracy": "role: accuracy, split: train",
            "train/lr": "role: learning_rate, split: train",
            "train/steps_per_sec": "role: steps_per_sec, split: train",
            "inputs/fingerprint": "role: batch_fingerprint, split: train",
            "inputs/histogram": "role: inputs, split: train",
            "inputs/train": "role: input_images, split: train",
        }
        for tag, line in expected.items():
            md = self.first_metadata(values, tag)
            sentence, _, last = md["description"].rpartition("\n\n")
            self.assertEqual(line, last, tag)
            self.assertTrue(sentence and md["display_name"], tag)
        md = self.first_metadata(values, "grad_norm/conv")
        self.assertEqual("gradient norm conv", md["display_name"])
        self.assertEqual("The L2 norm of the gradient of conv's weight (Conv2d), after backward and before the"
                         " optimizer's step.", md["description"].split("\n\n")[0])

    def test_layers_orderedAsTheForwardPassCallsThem(self):
        self.train()
        _, values, _ = self.read()
        order = []
        for v in values:
            if v.tag.startswith("grad_norm/") and v.tag not in order:
                order.append(v.tag)
        self.assertEqual(["grad_norm/" + t for t in PARAMS], order)

    def test_graph_moduleTreeWithLayerNamesShapesAndEdges(self):
        self.train()
        _, _, graphs = self.read()
        self.assertEqual(1, len(graphs))
        nodes = {n: (op, inputs, attrs) for n, op, inputs, attrs in eventfile.graph_nodes(graphs[0])}
        self.assertEqual(["input", "Net/conv", "Net/act", "Net/pool", "Net/fc1", "Net/bn", "Net/sig", "Net/drop",
                          "Net/fc2", "output"], [n for n, *_ in eventfile.graph_nodes(graphs[0])])
        self.assertEqual(("Conv2d", ["input"]), nodes["Net/conv"][:2])
        self.assertEqual(["Net/pool"], nodes["Net/fc1"][1], "through flatten: the module that ran last")
        self.assertEqual(["Net/fc2"], nodes["output"][1])
        conv = nodes["Net/conv"][2]
        self.assertEqual([b"conv"], conv["layer"][2])
        self.assertEqual([b"[4, 1, 3, 3]"], conv["param:weight"][2])
        self.assertEqual([4 * 9 + 4], conv["param_count"][3])
        shape = eventfile.fields(eventfile.fields(conv["_output_shapes"][1][0])[7][0])
        self.assertEqual([32, 4, 28, 28], [eventfile.one(eventfile.fields(d), 1) for d in shape[2]])
        self.assertIn("state:running_mean", nodes["Net/bn"][2])
        self.assertNotIn("layer", nodes["Net/act"][2])


class TrainingUnchangedTest(LogdirTest):
    def run_training(self, watched, stray_draw=False):
        torch.manual_seed(1)
        model = Net()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        w = watch(model, self.logdir, opt, histograms_every=1, images_every=1) if watched else None
        for x, y in batches(6):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            if w is not None:
                w.log_step(loss=loss)
            if stray_draw:
                torch.rand(1)
        if w is not None:
            w.close()
        return model.state_dict(), torch.get_rng_state()

    def test_seededTraining_withAndWithoutWatch_bitIdenticalWeightsBuffersAndRng(self):
        plain, rng = self.run_training(False)
        watched, wrng = self.run_training(True)
        self.assertEqual(list(plain), list(watched))
        for k in plain:
            self.assertTrue(torch.equal(plain[k], watched[k]), k)
        self.assertTrue(torch.equal(rng, wrng))
        self.assertGreater(plain["bn.num_batches_tracked"].item(), 0)

    def test_control_oneStrayRandomDraw_isCaught(self):
        plain, _ = self.run_training(False)
        stray, _ = self.run_training(False, stray_draw=True)
        self.assertFalse(all(torch.equal(plain[k], stray[k]) for k in plain))


class DeadUnitsTest(LogdirTest):
    def test_deadUnits_handBuiltLayerWithNegativeBiases_exactFraction(self):
        model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 2))
        with torch.no_grad():
            model[0].weight.copy_(torch.tensor([[1.0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [-1, -1, -1]]))
            model[0].bias.copy_(torch.tensor([0.0, -4, -4, 0, -4]))
        opt = torch.optim.SGD(model.parameters(), lr=0.0)
        probe = torch.tensor([[1.0, 2, 3], [0.5, 1, 1]])
        w = watch(model, self.logdir, opt, probe=probe)
        opt.zero_grad()
        model(probe).sum().backward()
        opt.step()
        w.close()
        _, values, _ = self.read()
        self.assertEqual([(0, f32(3 / 5))], self.series(values, "dead_units/0"))
        self.assertEqual("role: dead_units, layer: 0", self.first_metadata(values, "dead_units/0")["description"]
                         .rpartition("\n\n")[2])


class FunctionalNet(nn.Module):
    """Activations as functions, the way most hand-written PyTorch models apply them."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(3, 5)
        self.fc2 = nn.Linear(5, 4)
        self.fc3 = nn.Linear(4, 2)

    def forward(self, x):
        h = F.relu(self.fc1(x))
        h = torch.sigmoid(self.fc2(h))
        return self.fc3(h).tanh_()


class FunctionalActivationsTest(LogdirTest):
    def test_activationFunctions_seenInTheProbePass_postHistogramsAndDeadUnits(self):
        model = FunctionalNet()
        with torch.no_grad():
            model.fc1.weight.copy_(torch.tensor([[1.0, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [-1, -1, -1]]))
            model.fc1.bias.copy_(torch.tensor([0.0, -4, -4, 0, -4]))
        opt = torch.optim.SGD(model.parameters(), lr=0.0)
        probe = torch.tensor([[1.0, 2, 3], [0.5, 1, 1]])
        w = watch(model, self.logdir, opt, probe=probe)
        model(probe).sum().backward()
        opt.step()
        w.close()
        _, values, _ = self.read()
        self.assertEqual([(0, f32(3 / 5))], self.series(values, "dead_units/fc1"))
        with torch.no_grad():
            h1 = F.relu(model.fc1(probe))
            h2 = torch.sigmoid(model.fc2(h1))
            h3 = model.fc3(h2)
        post = {v.tag: v.tensor["values"] for v in values if v.tag.endswith("/post")}
        self.assertEqual(sum(reference_histogram(h2.reshape(-1).tolist()), []), post["activations/fc2/post"])
        self.assertEqual(sum(reference_histogram(h3.tanh().reshape(-1).tolist()), []), post["activations/fc3/post"])
        pre3 = [v.tensor["values"] for v in values if v.tag == "activations/fc3/pre"]
        self.assertEqual([sum(reference_histogram(h3.reshape(-1).tolist()), [])], pre3,
                         "before the in-place tanh_ changed it")
        md = self.first_metadata(values, "activation_std/fc2")
        self.assertEqual("The standard deviation of fc2's output after its sigmoid over the probe batch.",
                         md["description"].split("\n\n")[0])
        self.assertNotIn("dead_units/fc2", {v.tag for v in values})


class StepsTest(LogdirTest):
    def test_lrScheduler_madeAfterWatch_wrapsTheWatchedStep_lrPerStep(self):
        model = nn.Linear(4, 2)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        w = watch(model, self.logdir, opt)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            for _ in range(5):
                opt.zero_grad()
                model(torch.ones(3, 4)).sum().backward()
                opt.step()
                sched.step()
        w.close()
        opt.step()  # the scheduler's wrapper around the watched step: passed on, not logged
        self.assertEqual(6, opt._step_count)
        _, values, _ = self.read()
        self.assertEqual([(0, f32(0.1)), (1, f32(0.1)), (2, f32(0.05)), (3, f32(0.05)), (4, f32(0.025))],
                         self.series(values, "train/lr"))

    def test_lrScheduler_madeBefore_keptAfterClose(self):
        model = nn.Linear(4, 2)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
        theirs = opt.__dict__.get("step")
        w = watch(model, self.logdir, opt)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # "optimizer.step() has been overridden after the scheduler": not so
            for _ in range(2):
                model(torch.ones(3, 4)).sum().backward()
                opt.step()
                sched.step()
        w.close()
        self.assertIsNotNone(theirs)
        self.assertIs(theirs, opt.__dict__.get("step"), "close gives the optimizer the step it had")
        self.assertEqual(2, opt._step_count)

    def test_close_withoutScheduler_optimizerStepIsTheClasssAgain(self):
        model = nn.Linear(4, 2)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        watch(model, self.logdir, opt).close()
        self.assertNotIn("step", opt.__dict__)

    def test_deepcopyOfWatchedModel_copyIsNotWatched(self):
        model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        w = watch(model, self.logdir, opt)
        twin = copy.deepcopy(model)
        twin(torch.ones(2, 4)).sum().backward()
        self.assertEqual(0, w.steps)
        model(torch.ones(2, 4)).sum().backward()
        opt.step()
        self.assertEqual(1, w.steps)
        w.close()

    def test_noOptimizer_eachBackwardIsAStep_gradientsReadWhenItEnds(self):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 3), nn.Tanh(), nn.Linear(3, 1))
        w = watch(model, self.logdir)
        expected = []
        for i in range(3):
            for p in model.parameters():
                p.grad = None
            (model(torch.randn(5, 4)) ** 2).sum().backward()
            expected.append(model[0].weight.grad.double().norm().item())
            with torch.no_grad():
                for p in model.parameters():
                    p -= 0.1 * p.grad
        w.close()
        _, values, _ = self.read()
        got = self.series(values, "grad_norm/0")
        self.assertEqual([0, 1, 2], [s for s, _ in got])
        for e, (_, a) in zip(expected, got):
            self.assertAlmostEqual(f32(e), a, places=6)
        self.assertEqual([0, 1, 2], [s for s, _ in self.series(values, "update_ratio/0")])
        self.assertNotIn("train/lr", {v.tag for v in values})

    def test_updateRatio_ofAParameterThatIsAllZero_isNotLogged_notInfinite(self):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
        with torch.no_grad():
            model[0].bias.zero_()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        w = watch(model, self.logdir, opt)
        for _ in range(3):
            opt.zero_grad()
            model(torch.randn(5, 4)).sum().backward()
            opt.step()
        w.close()
        _, values, _ = self.read()
        steps = [s for s, v in self.series(values, "update_ratio/0/bias")]
        self.assertEqual([1, 2], steps, "no ratio at step 0, where the bias was all zero")
        self.assertTrue(all(math.isfinite(v) for _, v in self.series(values, "update_ratio/0/bias")))

    def test_close_removesEveryHook(self):
        model = Net()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        w = watch(model, self.logdir, opt)
        w.close()
        for m in model.modules():
            self.assertEqual({}, dict(m._forward_hooks))
            self.assertEqual({}, dict(m._forward_pre_hooks))
        w.close()


class TwoInputs(nn.Module):
    """A model taking a tuple and a keyword argument, as models with masks or several inputs do."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(3, 4)
        self.b = nn.Linear(2, 4)
        self.act = nn.ReLU()

    def forward(self, pair, scale=1.0):
        return self.act(self.a(pair[0]) + self.b(pair[1])) * scale


class ProbeArgumentsTest(LogdirTest):
    def test_probe_nestedArguments_passedAsTheModelTookThem(self):
        model = TwoInputs()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        w = watch(model, self.logdir, opt, probe_size=2)
        x1, x2 = torch.randn(5, 3), torch.randn(5, 2)
        model((x1, x2), scale=2.0).sum().backward()
        opt.step()
        w.close()
        _, values, _ = self.read()
        pre = [v for v in values if v.tag == "activations/a/pre" and v.step == 0]
        with torch.no_grad():
            expected = reference_histogram(model.a(x1[:2]).reshape(-1).tolist())
        self.assertEqual(1, len(pre))
        self.assertEqual(2 * 4, sum(c for _, _, c in expected))
        self.assertEqual(2 * 4, sum(pre[0].tensor["values"][2::3]), "the probe is the first 2 samples")


class LogStepTest(LogdirTest):
    def test_validation_loggedAtTheStepsDone_withValSplit(self):
        model = nn.Linear(4, 2)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        w = watch(model, self.logdir, opt, scalars_every=2)
        for _ in range(3):
            model(torch.ones(3, 4)).sum().backward()
            opt.step()
            w.log_step(loss=0.5)
        w.log_step(loss=torch.tensor(0.25), metrics={"TopKAccuracy": 0.75}, split="val")
        w.close()
        _, values, _ = self.read()
        self.assertEqual([(0, 0.5), (2, 0.5)], self.series(values, "train/loss"))
        self.assertEqual([(3, 0.25)], self.series(values, "val/loss"))
        md = self.first_metadata(values, "val/top_k_accuracy")
        self.assertEqual("role: accuracy, split: val", md["description"].rpartition("\n\n")[2])

    def test_badInput_failsClearly(self):
        model = nn.Linear(4, 2)
        w = watch(model, self.logdir)
        with self.assertRaisesRegex(ValueError, "one-element"):
            w.log_step(loss=torch.ones(2))
        with self.assertRaisesRegex(ValueError, "split"):
            w.log_step(loss=1.0, split="test")
        with self.assertRaisesRegex(ValueError, "step"):
            w.log_step(loss=1.0, step=-1)
        with self.assertRaisesRegex(ValueError, "number"):
            w.log_step(metrics={"acc": "high"})
        w.close()
        with self.assertRaisesRegex(ValueError, "closed"):
            w.log_step(loss=1.0)

    def test_watch_badArguments_failClearly(self):
        model = nn.Linear(4, 2)
        with self.assertRaisesRegex(TypeError, "torch.nn.Module"):
            watch(None, self.logdir)
        with self.assertRaisesRegex(ValueError, "histograms_every"):
            watch(model, self.logdir, histograms_every=0)
        with self.assertRaisesRegex(ValueError, "skip names"):
            watch(model, self.logdir, skip=("weight",))
        with self.assertRaisesRegex(TypeError, "logdir_or_writer"):
            watch(model, 42)
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        w = watch(model, self.logdir, opt)
        with self.assertRaisesRegex(ValueError, "watched already"):
            watch(model, self.logdir, opt)
        w.close()

    def test_skip_leavesThoseTagsOut(self):
        model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 1))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        w = watch(model, self.logdir, opt, skip=("activations", "updates", "graph"))
        model(torch.ones(2, 4)).sum().backward()
        opt.step()
        w.close()
        _, values, graphs = self.read()
        tags = {v.tag for v in values}
        self.assertIn("grad_norm/0", tags)
        self.assertFalse([t for t in tags if t.startswith(("activation", "dead_units", "update_ratio"))], tags)
        self.assertEqual([], graphs)


class FakeWriter:
    """A stand-in for torch.utils.tensorboard's SummaryWriter (not installable here), recording calls."""

    def __init__(self, metadata):
        self.calls = []
        if metadata:
            self.add_scalar = self._scalar_with_metadata

    def add_scalar(self, tag, value, step):
        self.calls.append(("scalar", tag, value, step))

    def _scalar_with_metadata(self, tag, value, step, display_name="", summary_description=""):
        self.calls.append(("scalar", tag, value, step, display_name, summary_description))

    def add_histogram_raw(self, tag, lo, hi, num, total, squares, limits, counts, step):
        self.calls.append(("histogram_raw", tag, lo, hi, num, total, squares, limits, counts, step))

    def add_image(self, tag, img, step):
        self.calls.append(("image", tag, img, step))

    def flush(self):
        self.calls.append(("flush",))


class AdapterTest(LogdirTest):
    def run_with(self, writer):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Linear(784, 8), nn.ReLU(), nn.Linear(8, 10))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        w = watch(model, writer, opt)
        x = X[:16].reshape(16, 784)
        F.cross_entropy(model(x), Y[:16]).backward()
        g = model[0].weight.grad.clone()
        opt.step()
        w.log_step(loss=1.5)
        w.close()
        return g

    def test_writerWithMetadataArguments_describedOnFirstScalar_rawHistograms_imagesChw(self):
        fake = FakeWriter(metadata=True)
        g = self.run_with(fake)
        scalars = [c for c in fake.calls if c[0] == "scalar"]
        gn = [c for c in scalars if c[1] == "grad_norm/0"]
        self.assertEqual("gradient norm 0", gn[0][4])
        self.assertTrue(gn[0][5].endswith("\n\nrole: grad_norm, split: train, layer: 0, param: weight"))
        self.assertAlmostEqual(g.double().norm().item(), gn[0][2], delta=1e-6 * gn[0][2])
        hist = [c for c in fake.calls if c[0] == "histogram_raw" and c[1] == "grad/0"]
        h = stats.histogram(g)
        self.assertEqual([("histogram_raw", "grad/0", h.min, h.max, h.num, h.sum, h.sum_squares, h.right, h.counts,
                           0)], hist)
        img = [c for c in fake.calls if c[0] == "image"]
        self.assertEqual((torch.uint8, (1, 62, 242)), (img[0][2].dtype, tuple(img[0][2].shape)))
        self.assertEqual(("flush",), fake.calls[-1], "the caller's writer is flushed, not closed")
        self.assertEqual([], [n for n in __import__("os").listdir(self.logdir)], "nothing written by the watch itself")

    def test_writerWithoutMetadataArguments_plainScalars(self):
        fake = FakeWriter(metadata=False)
        self.run_with(fake)
        self.assertTrue(all(len(c) == 4 for c in fake.calls if c[0] == "scalar"))
        self.assertIn(("scalar", "train/loss", 1.5, 0), fake.calls)


if __name__ == "__main__":
    unittest.main()
