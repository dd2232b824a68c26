"""actlib.gan: the DCGAN building blocks, the training loop and the sample score."""

import copy
import math

import pytest
import torch
from torch import nn

from actlib import gan, torch_tools


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


# --------------------------------------------------------------------------- sizes

@pytest.mark.parametrize("size, k, s, p, op", [(1, 4, 1, 0, 0), (4, 3, 2, 1, 0), (4, 4, 2, 1, 0), (7, 4, 2, 1, 0),
                                               (5, 3, 2, 1, 1), (3, 5, 3, 2, 2), (14, 4, 2, 1, 0)])
def test_conv_transpose_output_size_matches_pytorch(size, k, s, p, op):
    layer = nn.ConvTranspose2d(1, 1, k, s, p, output_padding=op)
    expected = layer(torch.zeros(1, 1, size, size)).shape[-1]
    assert gan.conv_transpose_output_size(size, k, s, p, op) == expected
    assert expected == (size - 1) * s - 2 * p + k + op


@pytest.mark.parametrize("size, k, s, p", [(28, 4, 2, 1), (14, 4, 2, 1), (7, 3, 2, 1), (4, 4, 1, 0), (32, 5, 3, 2)])
def test_conv_output_size_matches_pytorch(size, k, s, p):
    expected = nn.Conv2d(1, 1, k, s, p)(torch.zeros(1, 1, size, size)).shape[-1]
    assert gan.conv_output_size(size, k, s, p) == expected


def test_size_formulas_reject_bad_arguments():
    with pytest.raises(ValueError, match="output_padding must be smaller than stride"):
        gan.conv_transpose_output_size(4, 4, 1, 0, output_padding=1)
    with pytest.raises(ValueError, match="non-positive output size"):
        gan.conv_transpose_output_size(1, 1, 1, padding=1)
    with pytest.raises(TypeError, match="size must be a positive int"):
        gan.conv_transpose_output_size(4.0, 4)
    with pytest.raises(ValueError, match="stride must be a positive int; got 0"):
        gan.conv_output_size(28, 4, 0)
    with pytest.raises(ValueError, match="does not fit"):
        gan.conv_output_size(2, 5)


# --------------------------------------------------------------------------- blocks

def test_seed_block_upsamples_1x1_noise_to_4x4():
    block = gan.generator_block(100, 256, 4, 1, 0)  # article 001: ConvTranspose2d(nz, ngf * 8, 4, 1, 0)
    conv, bn, act = block
    assert isinstance(conv, nn.ConvTranspose2d) and conv.bias is None
    assert (conv.kernel_size, conv.stride, conv.padding) == ((4, 4), (1, 1), (0, 0))
    assert isinstance(bn, nn.BatchNorm2d) and bn.num_features == 256
    assert isinstance(act, nn.ReLU) and act.inplace
    out = block(torch.randn(8, 100, 1, 1))
    assert out.shape == (8, 256, 4, 4)
    assert (out >= 0).all()


def test_generator_and_discriminator_blocks_double_and_halve():
    assert gan.generator_block(16, 8)(torch.randn(2, 16, 7, 7)).shape == (2, 8, 14, 14)
    assert gan.generator_block(16, 8, 3, 2, 1)(torch.randn(2, 16, 4, 4)).shape == (2, 8, 7, 7)
    block = gan.discriminator_block(1, 8, batch_norm=False)
    assert [type(m) for m in block] == [nn.Conv2d, nn.LeakyReLU]
    assert block[0].bias is not None
    assert block[1].negative_slope == 0.2 and block[1].inplace
    assert block(torch.randn(2, 1, 28, 28)).shape == (2, 8, 14, 14)
    block = gan.discriminator_block(8, 16)
    assert [type(m) for m in block] == [nn.Conv2d, nn.BatchNorm2d, nn.LeakyReLU]
    assert block[0].bias is None
    assert block(torch.randn(2, 8, 14, 14)).shape == (2, 16, 7, 7)


def test_blocks_take_activation_factories():
    assert isinstance(gan.generator_block(4, 4, activation=nn.ELU)[-1], nn.ELU)
    block = gan.discriminator_block(4, 4, activation=lambda: nn.LeakyReLU(0.1))
    assert block[-1].negative_slope == 0.1
    first, second = gan.discriminator_block(4, 4), gan.discriminator_block(4, 4)
    assert first[-1] is not second[-1]


@pytest.mark.parametrize("image_size, sides", [(28, [4, 7, 14, 28]), (32, [4, 8, 16, 32])])
def test_generator_layer_shapes(image_size, sides):
    g = gan.Generator(nz=10, ngf=8, image_size=image_size)
    x = torch.randn(3, 10, 1, 1)
    got = []
    for layer in g.net:
        x = layer(x)
        if isinstance(layer, nn.Sequential) or isinstance(layer, nn.ConvTranspose2d):
            got.append(x.shape[-1])
    assert got == sides
    out = g(torch.randn(3, 10))
    assert out.shape == (3, 1, image_size, image_size)
    assert out.abs().max() <= 1
    assert g.noise(5).shape == (5, 10)


@pytest.mark.parametrize("image_size", [28, 32])
def test_discriminator_gives_one_logit_per_image(image_size):
    d = gan.Discriminator(ndf=8, image_size=image_size)
    assert d(torch.randn(5, 1, image_size, image_size)).shape == (5,)
    with pytest.raises(ValueError, match=rf"images must have shape \(N, 1, {image_size}, {image_size}\)"):
        d(torch.randn(5, 1, 30, 30))


def test_networks_take_activation_factories():
    g = gan.Generator(nz=4, ngf=4, activation=lambda: nn.LeakyReLU(0.2))
    assert sum(isinstance(m, nn.LeakyReLU) for m in g.modules()) == 3
    assert isinstance(g.net[-1], nn.Tanh)
    d = gan.Discriminator(ndf=4, activation=nn.ReLU)
    assert sum(isinstance(m, nn.ReLU) for m in d.modules()) == 3
    assert not any(isinstance(m, nn.LeakyReLU) for m in d.modules())


def test_dcgan_init_statistics():
    g = gan.Generator(nz=64, ngf=32)
    conv = torch.cat([m.weight.flatten() for m in g.modules() if isinstance(m, nn.ConvTranspose2d)])
    assert abs(conv.mean().item()) < 1e-3
    assert conv.std().item() == pytest.approx(0.02, rel=0.02)
    bn_w = torch.cat([m.weight for m in g.modules() if isinstance(m, nn.BatchNorm2d)])
    bn_b = torch.cat([m.bias for m in g.modules() if isinstance(m, nn.BatchNorm2d)])
    assert bn_w.mean().item() == pytest.approx(1.0, abs=0.005)
    assert bn_w.std().item() == pytest.approx(0.02, rel=0.2)
    assert (bn_b == 0).all()
    d = gan.Discriminator(ndf=32)
    conv = torch.cat([m.weight.flatten() for m in d.modules() if isinstance(m, nn.Conv2d)])
    assert conv.std().item() == pytest.approx(0.02, rel=0.02)
    assert (d.net[0][0].bias == 0).all()


def test_inplace_relu_overwrites_its_input_and_the_default_does_not():
    x = torch.tensor([-2.0, -0.5, 0.0, 1.5])
    y = nn.ReLU()(x)
    assert x.tolist() == [-2.0, -0.5, 0.0, 1.5]
    assert y.data_ptr() != x.data_ptr()
    y = nn.ReLU(inplace=True)(x)
    assert x.tolist() == [0.0, 0.0, 0.0, 1.5]
    assert y.data_ptr() == x.data_ptr()
    assert nn.ReLU(True).inplace  # article 001's spelling: ReLU's first argument *is* inplace


def test_leaky_relu_true_is_the_identity():
    pitfall = nn.LeakyReLU(True)  # the first argument is negative_slope, not inplace
    assert pitfall.negative_slope == 1.0 and not pitfall.inplace
    x = torch.linspace(-3, 3, 13)
    assert torch.equal(pitfall(x), x)
    assert nn.LeakyReLU().negative_slope == 0.01
    assert gan.dcgan_leaky_relu().negative_slope == 0.2


def test_inplace_after_sigmoid_breaks_backward():
    x = torch.randn(4, requires_grad=True)
    y = nn.ReLU(inplace=True)(torch.sigmoid(x))  # sigmoid saves its output for backward
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


# --------------------------------------------------------------------------- training

def test_discriminator_steps_lower_its_loss_on_a_fixed_batch():
    d = gan.Discriminator(ndf=8)
    real = torch.rand(16, 1, 28, 28) * 2 - 1
    fake = gan.Generator(nz=8, ngf=8)(torch.randn(16, 8)).detach()
    opt = gan.adam(d)
    losses = [gan.discriminator_step(d, opt, real, fake) for _ in range(15)]
    assert losses[-1] < losses[0] - 0.2, losses


def test_label_smoothing_moves_the_best_real_logit_from_infinity_to_log_9():
    class Constant(nn.Module):  # a "discriminator" that answers the same logit for every image
        def __init__(self, logit):
            super().__init__()
            self.logit = logit

        def forward(self, images):
            return torch.full((len(images),), self.logit)

    real = fake = torch.zeros(4, 1, 28, 28)

    def real_part(logit, real_label):  # the loss on real images alone: subtract the fake part
        fake_part = nn.functional.softplus(torch.tensor(logit))  # BCE(logit, 0) = log(1 + e^logit)
        return float(gan.discriminator_loss(Constant(logit), real, fake, real_label=real_label) - fake_part)

    logits = torch.linspace(-1, 8, 901).tolist()
    assert real_part(8.0, 1.0) < real_part(4.0, 1.0) < real_part(2.0, 1.0)  # target 1: bigger is always better
    best = min(logits, key=lambda z: real_part(z, 0.9))
    assert best == pytest.approx(math.log(9), abs=0.01)


def test_generator_steps_raise_the_discriminators_verdict_on_fixed_noise():
    torch.manual_seed(0)
    g, d = gan.Generator(nz=8, ngf=8), gan.Discriminator(ndf=8)
    z = torch.randn(16, 8)
    real = torch.rand(16, 1, 28, 28) * 2 - 1
    opt_d = gan.adam(d)
    for _ in range(10):  # first a discriminator that tells these fakes from real
        gan.discriminator_step(d, opt_d, real, g(z))
    # then a fixed judge (no more discriminator steps): the generator's updates alone must move D(G(z)) to "real"
    opt = gan.adam(g, lr=1e-3)
    losses = [gan.generator_step(d, opt, g(z)) for _ in range(15)]
    assert losses[-1] < losses[0] - 0.1, losses
    with pytest.raises(ValueError, match="fake must come straight from generator"):
        gan.generator_step(d, opt, g(z).detach())


def test_generator_step_holds_the_discriminator_fixed_and_matches_a_plain_step():
    torch.manual_seed(0)
    g, d = gan.Generator(nz=8, ngf=8), gan.Discriminator(ndf=8)
    z = torch.randn(16, 8)
    d.net[0][0].weight.requires_grad_(False)         # a layer the user froze stays frozen
    plain_g, plain_d = copy.deepcopy(g), copy.deepcopy(d)
    opt, plain_opt = gan.adam(g, lr=1e-3), gan.adam(plain_g, lr=1e-3)
    loss = gan.generator_step(d, opt, g(z))
    # the textbook step: backward through D with D's parameters getting gradients too
    plain_opt.zero_grad()
    logits = plain_d(plain_g(z))
    plain_loss = nn.functional.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
    plain_loss.backward()
    plain_opt.step()
    assert loss == float(plain_loss.detach())
    for p, q in zip(g.parameters(), plain_g.parameters(), strict=True):
        assert torch.equal(p, q)                        # the same generator, to the bit
    assert any(q.grad is not None for q in plain_d.parameters())
    assert all(p.grad is None for p in d.parameters())  # no gradient computed for D
    assert [p.requires_grad for p in d.parameters()] == [p.requires_grad for p in plain_d.parameters()]
    assert not d.net[0][0].weight.requires_grad


def test_train_gan_records_losses_and_snapshots():
    g, d = gan.Generator(nz=8, ngf=4), gan.Discriminator(ndf=4)
    images = torch.rand(40, 1, 28, 28) * 2 - 1
    z = torch.randn(6, 8)
    h = gan.train_gan(g, d, images, steps=4, batch_size=8, snapshot_steps=(0, 2, 4), snapshot_noise=z,
                      progress=False)
    assert h.steps == 4 and len(h.g_loss) == 4
    assert sorted(h.snapshots) == [0, 2, 4]
    assert h.snapshots[4].shape == (6, 1, 28, 28)
    assert not torch.equal(h.snapshots[0], h.snapshots[4])
    assert g.training and d.training
    h2 = gan.train_gan(g, d, images, steps=2, batch_size=8, history=h, snapshot_steps=(6,), snapshot_noise=z,
                       progress=False)
    assert h2 is h and h.steps == 6 and 6 in h.snapshots


def test_history_records_the_discriminators_verdicts():
    torch.manual_seed(1)
    g, d = gan.Generator(nz=8, ngf=4), gan.Discriminator(ndf=4)
    images = torch.rand(40, 1, 28, 28) * 2 - 1
    h = gan.train_gan(g, d, images, steps=5, batch_size=8, progress=False)
    assert len(h.d_real) == len(h.d_fake) == len(h.d_fake_g) == h.steps == 5
    assert all(0 < p < 1 for p in h.d_real + h.d_fake + h.d_fake_g)
    # With real_label=1 the losses are batch means of -log D(x) - log(1 - D(G(z))) and of
    # -log D(G(z)); by Jensen's inequality they are at least -log of the mean verdicts.
    for d_loss, d_real, d_fake in zip(h.d_loss, h.d_real, h.d_fake, strict=True):
        assert d_loss >= -math.log(d_real) - math.log(1 - d_fake) - 1e-6
    for g_loss, d_fake_g in zip(h.g_loss, h.d_fake_g, strict=True):
        assert g_loss >= -math.log(d_fake_g) - 1e-6
        assert g_loss < -math.log(d_fake_g) + 0.5   # and close to it: the verdicts of one batch agree


def test_train_gan_matches_the_public_steps():
    # Recording the verdicts must not change the training: the same run with the public step functions
    images = torch.rand(40, 1, 28, 28) * 2 - 1

    def networks():
        torch.manual_seed(2)
        return gan.Generator(nz=8, ngf=4), gan.Discriminator(ndf=4)

    def public_steps(layout):
        g, d = map(layout, networks())
        opt_g, opt_d = gan.adam(g), gan.adam(d)
        rng = torch.Generator().manual_seed(5)
        d_losses, g_losses = [], []
        for _ in range(3):
            real = layout(images[torch.randint(len(images), (8,), generator=rng)])
            fake = g(torch.randn(8, 8, generator=rng))
            d_losses.append(gan.discriminator_step(d, opt_d, real, fake, real_label=0.9))
            g_losses.append(gan.generator_step(d, opt_g, fake))
        return d_losses, g_losses

    g, d = networks()
    h = gan.train_gan(g, d, images, steps=3, batch_size=8, real_label=0.9, seed=5, progress=False)
    # train_gan trains in the channels-last layout: the same to the bit as the public steps in it ...
    assert (h.d_loss, h.g_loss) == public_steps(torch_tools.channels_last)
    assert all(p.is_contiguous(memory_format=torch.channels_last) for p in g.parameters() if p.dim() == 4)
    # ... and the same to rounding as the public steps in the default layout
    d_losses, g_losses = public_steps(lambda x: x)
    assert h.d_loss == pytest.approx(d_losses, rel=1e-5) and h.g_loss == pytest.approx(g_losses, rel=1e-5)


def test_train_gan_is_repeatable():
    def run():
        torch.manual_seed(3)
        g, d = gan.Generator(nz=8, ngf=4), gan.Discriminator(ndf=4)
        return gan.train_gan(g, d, torch.linspace(-1, 1, 40 * 784).reshape(40, 1, 28, 28), steps=3,
                             batch_size=8, progress=False).d_loss

    assert run() == run()


def test_train_gan_rejects_bad_arguments():
    g, d = gan.Generator(nz=8, ngf=4), gan.Discriminator(ndf=4)
    images = torch.zeros(10, 1, 28, 28)
    with pytest.raises(ValueError, match="batch_size must be a positive int; got 0"):
        gan.train_gan(g, d, images, steps=1, batch_size=0)
    with pytest.raises(ValueError, match=r"batch_size \(64\) is larger than the number of images \(10\)"):
        gan.train_gan(g, d, images, steps=1)
    with pytest.raises(TypeError, match="images must be a float tensor"):
        gan.train_gan(g, d, images.numpy(), steps=1, batch_size=2)
    with pytest.raises(TypeError, match="must be nn.Module instances"):
        gan.train_gan(g, "D", images, steps=1, batch_size=2)
    with pytest.raises(ValueError, match="snapshot_steps needs snapshot_noise"):
        gan.train_gan(g, d, images, steps=1, batch_size=2, snapshot_steps=(1,))
    for bad in (0.3, 1.5, True, "0.9", float("nan")):
        with pytest.raises(ValueError, match=r"real_label must be a number in \(0.5, 1\]"):
            gan.train_gan(g, d, images, steps=1, batch_size=2, real_label=bad)


# --------------------------------------------------------------------------- bad arguments

def test_bad_channel_counts_and_sizes():
    with pytest.raises(ValueError, match="out_channels must be a positive int; got 0"):
        gan.generator_block(4, 0)
    with pytest.raises(ValueError, match="in_channels must be a positive int; got -3"):
        gan.discriminator_block(-3, 4)
    with pytest.raises(TypeError, match="ngf must be a positive int; got float"):
        gan.Generator(ngf=32.0)
    with pytest.raises(TypeError, match="nz must be a positive int; got bool"):
        gan.Generator(nz=True)
    with pytest.raises(ValueError, match=r"image_size must be one of \(28, 32\).*got 64"):
        gan.Generator(image_size=64)
    with pytest.raises(ValueError, match="image_size must be one of"):
        gan.Discriminator(image_size=28.0)
    with pytest.raises(TypeError, match="batch_norm must be True or False"):
        gan.discriminator_block(4, 4, batch_norm=1)
    with pytest.raises(ValueError, match=r"noise must have shape \(N, 8\)"):
        gan.Generator(nz=8, ngf=4)(torch.randn(2, 9))


def test_bad_activations():
    with pytest.raises(TypeError, match="not a module instance: got ReLU"):
        gan.generator_block(4, 4, activation=nn.ReLU())
    with pytest.raises(TypeError, match="must be an nn.Module class or a factory.*got str"):
        gan.discriminator_block(4, 4, activation="relu")
    with pytest.raises(TypeError, match=r"activation\(\) must return an nn.Module.*returned builtin"):
        gan.generator_block(4, 4, activation=lambda: torch.relu)
    with pytest.raises(TypeError, match="output_activation must be"):
        gan.Generator(output_activation=torch.tanh(torch.zeros(1)))


# --------------------------------------------------------------------------- data and scoring

def test_to_gan_images_scales_and_pads():
    x = torch.zeros(2, 28, 28, dtype=torch.uint8).numpy()
    x[0, 0, 0], x[1, 5, 5] = 255, 128
    t = gan.to_gan_images(x)
    assert t.shape == (2, 1, 28, 28) and t.dtype == torch.float32
    assert t.min() == -1 and t.max() == 1
    p = gan.to_gan_images(x, 32)
    assert p.shape == (2, 1, 32, 32)
    assert torch.equal(p[:, :, 2:30, 2:30], t)
    assert (p[:, :, :2] == -1).all()
    with pytest.raises(ValueError, match=r"images must be uint8 of shape \(N, 28, 28\)"):
        gan.to_gan_images(x.astype(float))


class _Fixed(nn.Module):
    """A 'classifier' that returns fixed logits, one row per image."""

    def __init__(self, logits):
        super().__init__()
        self.logits = logits

    def forward(self, images):
        assert images.shape[1:] == (1, 28, 28)
        return self.logits[:len(images)]


def test_score_samples_counts_confident_labels_and_digits():
    logits = torch.full((5, 10), -10.0)
    logits[0, 3] = logits[1, 3] = logits[2, 7] = 10.0   # three confident: digits 3, 3, 7
    logits[3, :] = 0.0                                    # uniform: not confident
    logits[4, 1] = logits[4, 2] = 10.0                    # 0.5 / 0.5: not confident
    score = gan.score_samples(_Fixed(logits), torch.zeros(5, 1, 32, 32))
    assert score.confident_share == pytest.approx(0.6)
    assert score.confident_counts == (0, 0, 0, 2, 0, 0, 0, 1, 0, 0)
    assert score.digits_covered == 2
    assert str(score) == "60.0% of 5 labelled with confidence >= 0.9, 2/10 digits present"
    assert gan.score_samples(_Fixed(logits), torch.zeros(5, 1, 28, 28), threshold=0.4).confident_share == 0.8
    with pytest.raises(ValueError, match=r"threshold must be a probability in \(0, 1\]"):
        gan.score_samples(_Fixed(logits), torch.zeros(5, 1, 28, 28), threshold=90)
    with pytest.raises(ValueError, match=r"images must be a float tensor of shape \(N, 1, 28, 28\)"):
        gan.score_samples(_Fixed(logits), torch.zeros(5, 28, 28))


def test_confident_labels_mark_the_unsure_images():
    logits = torch.full((4, 10), -10.0)
    logits[0, 3] = logits[2, 9] = 10.0    # sure: 3 and 9
    logits[1, 1] = logits[1, 2] = 10.0    # torn between 1 and 2: not confident
    labels = gan.confident_labels(_Fixed(logits), torch.zeros(4, 1, 28, 28))
    assert labels.tolist() == [3, -1, 9, -1]
    assert gan.confident_labels(_Fixed(logits), torch.zeros(4, 1, 28, 28), threshold=0.4).tolist() == [3, 1, 9, -1]
    with pytest.raises(ValueError, match=r"threshold must be a probability in \(0, 1\]"):
        gan.confident_labels(_Fixed(logits), torch.zeros(4, 1, 28, 28), threshold=0.0)


def test_classifier_learns_a_trivial_task():
    images = torch.zeros(64, 1, 28, 28)
    labels = torch.arange(64) % 2
    images[labels == 1, :, :14] = 1.0  # class 1: top half lit
    model = torch_tools.mnist_classifier()
    losses = torch_tools.train_classifier(model, images, labels.numpy(), epochs=5, batch_size=16)
    assert losses[-1] < losses[0]
    assert torch_tools.accuracy(model, images, labels) == 1.0
    with pytest.raises(ValueError, match="differ in length"):
        torch_tools.train_classifier(model, images, labels[:10])
    with pytest.raises(ValueError, match="differ in length"):
        torch_tools.accuracy(model, images, labels[:10])
    with pytest.raises(TypeError, match="epochs must be a positive int; got float"):
        torch_tools.train_classifier(model, images, labels, epochs=2.0)


def test_after_epoch_keeps_the_model_of_a_shorter_run():
    torch.manual_seed(0)
    images = torch.randn(48, 1, 28, 28)
    labels = torch.arange(48) % 3
    kept, modes = {}, []

    def keep(epoch, model):
        modes.append(model.training)
        kept[epoch] = copy.deepcopy(model)

    torch.manual_seed(1)
    three = torch_tools.mnist_classifier()
    torch_tools.train_classifier(three, images, labels, epochs=3, batch_size=16, after_epoch=keep)
    torch.manual_seed(1)
    one = torch_tools.mnist_classifier()
    torch_tools.train_classifier(one, images, labels, epochs=1, batch_size=16)
    assert sorted(kept) == [1, 2, 3] and modes == [False] * 3   # each seen in evaluation mode
    for p, q in zip(kept[1].parameters(), one.parameters(), strict=True):
        assert torch.equal(p, q)
    for p, q in zip(kept[3].parameters(), three.parameters(), strict=True):
        assert torch.equal(p, q)
    assert not any(torch.equal(p, q) for p, q in zip(kept[1].parameters(), three.parameters(), strict=True))
    with pytest.raises(TypeError, match="after_epoch must be a function of"):
        torch_tools.train_classifier(one, images, labels, after_epoch="keep")


def test_classifier_trains_in_channels_last_to_rounding_of_the_default_layout():
    torch.manual_seed(0)
    images, labels = torch.randn(32, 1, 28, 28), torch.arange(32) % 4
    torch.manual_seed(1)
    model = torch_tools.mnist_classifier()
    losses = torch_tools.train_classifier(model, images, labels, epochs=2, batch_size=8)
    assert all(p.is_contiguous(memory_format=torch.channels_last) for p in model.parameters() if p.dim() == 4)
    # the same loop written out in the default layout
    torch.manual_seed(1)
    plain = torch_tools.mnist_classifier()
    optimizer, rng, plain_losses = torch.optim.Adam(plain.parameters(), lr=2e-3), torch.Generator().manual_seed(0), []
    for _ in range(2):
        order, total = torch.randperm(32, generator=rng), 0.0
        for i in range(0, 32, 8):
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(plain(images[order[i:i + 8]]), labels[order[i:i + 8]])
            loss.backward()
            optimizer.step()
            total += float(loss.detach()) * 8
        plain_losses.append(total / 32)
    assert losses == pytest.approx(plain_losses, rel=1e-5)
    for p, q in zip(model.parameters(), plain.parameters(), strict=True):
        assert torch.allclose(p, q, atol=1e-5)


def test_channels_last_converts_only_what_has_channels():
    x = torch.randn(2, 3, 4, 5)
    y = torch_tools.channels_last(x)
    assert torch.equal(x, y) and y.stride() == (60, 1, 15, 3)
    flat = torch.randn(2, 3)
    assert torch_tools.channels_last(flat) is flat
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.Flatten(), nn.Linear(2, 1))
    assert torch_tools.channels_last(model) is model
    assert model[0].weight.is_contiguous(memory_format=torch.channels_last)
    assert model[2].weight.is_contiguous()
    with pytest.raises(TypeError, match="channels_last takes an nn.Module or a torch.Tensor; got list"):
        torch_tools.channels_last([x])


def test_the_classifier_helpers_left_gan():
    # issue 14: the PyTorch twin of keras_tools lives in torch_tools, not in the GAN module
    for name in ("mnist_classifier", "train_classifier", "predict_proba", "accuracy"):
        assert not hasattr(gan, name), name
        assert callable(getattr(torch_tools, name))


def test_image_grid_tiles_images():
    import matplotlib.pyplot as plt

    from actlib.plotting import image_grid

    fig, ax = plt.subplots()
    image_grid(torch.zeros(10, 1, 28, 28), "ten blanks", ncols=4, ax=ax)
    canvas = ax.get_images()[0].get_array()
    assert canvas.shape == (3 * 29 - 1, 4 * 29 - 1)
    assert ax.get_title() == "ten blanks"
    with pytest.raises(ValueError, match=r"images must have shape \(N, H, W\)"):
        image_grid(torch.zeros(28, 28), "bad", ax=ax)
    plt.close(fig)
