// SPDX-License-Identifier: MIT
// The real engine behind the ui's backend interface, with a real model file:
// $SYMMFLOW_TEST_MODEL, else the first model in the model folders. Skips cleanly
// when there is none.
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include "core/imaging/image_io.h"
#include "core/model_paths.h"
#include "ui/engine_backend.h"
#include "ui/export_writer.h"
#include "ui/inference_worker.h"
#include "ui/label_document.h"
#include "ui/provenance.h"
#include "ui/studio_session.h"
#include "ui/tool_controller.h"

using namespace symmflow;
using namespace symmflow::ui;

namespace {

std::string testModel(bool imageLevel = false) {
  if (const char* env = std::getenv("SYMMFLOW_TEST_MODEL"); env && *env && !imageLevel) return env;
  for (const std::string& f : listModelFiles()) {
    auto info = inspectModel(f);
    if (info && info->imageLevel() == imageLevel) return f;
  }
  return {};
}

std::shared_ptr<EngineBackend> loadOrSkip(bool imageLevel = false) {
  const std::string path = testModel(imageLevel);
  if (path.empty()) return nullptr;
  auto b = EngineBackend::load(path, DeviceKind::Cpu);
  EXPECT_TRUE(b.ok()) << b.error();
  return b.ok() ? b.value() : nullptr;
}

LabelMap stripes(const ModelInfo& info) {
  LabelMap m(info.labelWidth(), info.labelHeight(), 0);
  const int k = info.classes.size();
  for (int y = 0; y < m.height; ++y)
    for (int x = 0; x < m.width; ++x) m.at(x, y) = static_cast<std::uint8_t>((y * k / std::max(1, m.height)) % k);
  return m;
}

// The real engine (computing on the CPU) reporting CUDA until it is moved to the CPU:
// lets a machine without a GPU run the worker's CUDA-failure path with real model
// runs. Every call goes to the real EngineBackend; only onCuda() and deviceName()
// pretend, and moveTo() really moves the inner engine.
class PretendCudaBackend : public InferenceBackend {
 public:
  explicit PretendCudaBackend(std::shared_ptr<EngineBackend> inner) : m_inner(std::move(inner)) {}
  const ModelInfo& info() const override { return m_inner->info(); }
  std::string deviceName() const override { return m_cuda ? "cuda:0 (pretend)" : m_inner->deviceName(); }
  bool onCuda() const override { return m_cuda; }
  Status moveTo(DeviceKind device) override {
    m_cuda = device == DeviceKind::Cuda;
    ++moves;
    return m_inner->moveTo(DeviceKind::Cpu);
  }
  std::string lastWarning() const override { return m_inner->lastWarning(); }
  Result<std::vector<RgbImage>> generate(const LabelMap& l, const RunParams& p, const CallControl& c) override {
    return m_inner->generate(l, p, c);
  }
  Result<SegmentResult> segment(const RgbImage& i, const SegmentParams& p, const CallControl& c) override {
    return m_inner->segment(i, p, c);
  }
  Result<ClassifyResult> classify(const RgbImage& i, const SegmentParams& p, const CallControl& c) override {
    return m_inner->classify(i, p, c);
  }
  Result<Inversion> invert(const RgbImage& i, const RunParams& p, const CallControl& c) override {
    return m_inner->invert(i, p, c);
  }
  Result<RgbImage> edit(const Inversion& inv, const LabelMap& e, const EditParams& p, const CallControl& c) override {
    return m_inner->edit(inv, e, p, c);
  }
  std::atomic<int> moves{0};

 private:
  std::shared_ptr<EngineBackend> m_inner;
  std::atomic<bool> m_cuda{true};
};

// A session over `backend` with one brush stroke painted (one undo step).
struct PaintedSession {
  LabelDocument doc;
  StudioSession session{&doc};
  ToolController tools{&doc};
  explicit PaintedSession(std::shared_ptr<InferenceBackend> backend) {
    session.settings().steps = 2;
    session.settings().recordTrajectory = false;
    session.setBackend(std::move(backend), QStringLiteral("model"), QString());
    doc.setCurrentClass(std::min(2, doc.classes().size() - 1));
    tools.settings().brushSize = 9;
    tools.press({QPointF(10, 10)});
    tools.move({QPointF(40, 30)});
    tools.release({QPointF(40, 30)});
  }
};

}  // namespace

TEST(EngineBackend, MissingFileIsAnError) {
  auto b = EngineBackend::load("/nonexistent/model.safetensors");
  ASSERT_FALSE(b.ok());
  EXPECT_FALSE(b.error().empty());
}

TEST(EngineBackend, SameInputsGiveTheSameImage) {
  auto backend = loadOrSkip();
  if (!backend) GTEST_SKIP() << "no model file (set SYMMFLOW_TEST_MODEL)";
  const LabelMap map = stripes(backend->info());
  RunParams p;
  p.steps = 2;
  p.seed = 1234;
  auto a = backend->generate(map, p, {});
  auto b = backend->generate(map, p, {});
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_EQ(a->front(), b->front());
  EXPECT_EQ(a->front().width, backend->info().imageWidth());
  p.seed = 1235;
  auto c = backend->generate(map, p, {});
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->front() == a->front());
}

TEST(EngineBackend, GeneratedPngCarriesProvenanceAndRegenerates) {
  auto backend = loadOrSkip();
  if (!backend) GTEST_SKIP() << "no model file";
  LabelDocument doc;
  StudioSession session(&doc);
  const QString path = QString::fromStdString(testModel());
  session.setBackend(backend, path, fileSha256(path));
  doc.replaceLabels(stripes(backend->info()), "stripes");
  session.settings().steps = 2;
  session.settings().seed = 77;
  session.generate();
  ASSERT_TRUE(QTest::qWaitFor([&] { return !session.results().empty(); }, 120000));
  const ResultEntry r = session.results().back();
  QTemporaryDir dir;
  auto out = exportPair({r.image, r.labels, r.provenance}, doc.classes(), dir.path(), "gen");
  ASSERT_TRUE(out.ok()) << out.error();
  auto text = imaging::readPngText(dir.filePath("gen.png").toStdString());
  ASSERT_TRUE(text.ok());
  std::string seed, steps, sha, noise;
  for (const auto& [k, v] : *text) {
    if (k == "symmflow.seed") seed = v;
    if (k == "symmflow.noise") noise = v;
    if (k == "symmflow.steps") steps = v;
    if (k == "symmflow.model_sha256") sha = v;
  }
  EXPECT_EQ(seed, "77");
  EXPECT_EQ(noise, noiseStream());
  EXPECT_EQ(steps, "2");
  EXPECT_EQ(QString::fromStdString(sha), fileSha256(path));
  // Regenerating from the recorded provenance gives the same pixels.
  RunParams p;
  p.seed = std::stoull(seed);
  p.steps = std::stoi(steps);
  auto again = backend->generate(doc.labels(), p, {});
  ASSERT_TRUE(again.ok());
  auto loaded = imaging::loadImage(dir.filePath("gen.png").toStdString());
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(again->front(), loaded.value());
}

TEST(EngineBackend, WorkerCancelsARealRun) {
  auto backend = loadOrSkip();
  if (!backend) GTEST_SKIP() << "no model file";
  InferenceWorker w;
  w.setBackend(backend);
  std::vector<std::shared_ptr<const InferenceResult>> results;
  int steps = 0;
  QObject::connect(&w, &InferenceWorker::finished, [&](auto r) { results.push_back(r); });
  QObject::connect(&w, &InferenceWorker::progress, [&](quint64, const StepReport&) { ++steps; });
  InferenceRequest req;
  req.labels = stripes(backend->info());
  req.run.steps = 500;
  w.submit(req);
  ASSERT_TRUE(QTest::qWaitFor([&] { return steps >= 1; }, 60000));
  w.cancel();
  ASSERT_TRUE(QTest::qWaitFor([&] { return !results.empty(); }, 60000));
  EXPECT_TRUE(results[0]->cancelled);
  EXPECT_LT(steps, 500);
}

TEST(EngineBackend, SegmentAndEditRoundTrip) {
  auto backend = loadOrSkip();
  if (!backend) GTEST_SKIP() << "no model file";
  const ModelInfo& info = backend->info();
  if (info.imageLevel()) GTEST_SKIP() << "dense model needed";
  RgbImage photo(info.imageWidth(), info.imageHeight(), 90);
  for (int y = 0; y < photo.height / 2; ++y)
    for (int x = 0; x < photo.width; ++x) photo.at(x, y)[2] = 220;
  SegmentParams sp;
  auto seg = backend->segment(photo, sp, {});
  ASSERT_TRUE(seg.ok()) << seg.error();
  EXPECT_EQ(seg->labels.width, info.labelWidth());
  EXPECT_EQ(seg->entropy.size(), static_cast<std::size_t>(info.labelWidth()) * info.labelHeight());
  RunParams rp;
  rp.steps = 2;
  auto inv = backend->invert(photo, rp, {});
  ASSERT_TRUE(inv.ok()) << inv.error();
  LabelMap edited = inv->labels();
  for (int y = 0; y < edited.height / 4; ++y)
    for (int x = 0; x < edited.width / 4; ++x)
      edited.at(x, y) = static_cast<std::uint8_t>((edited.at(x, y) + 1) % info.classes.size());
  auto out = backend->edit(inv.value(), edited, EditParams{}, {});
  ASSERT_TRUE(out.ok()) << out.error();
  EXPECT_EQ(out->width, info.imageWidth());
}

// An injected CUDA out-of-memory on a model that reports CUDA: the worker moves the
// model to the CPU and retries; the run succeeds with a warning, and the document
// (pixels, undo stack) is untouched.
TEST(EngineBackend, InjectedCudaOutOfMemoryFallsBackToTheCpuKeepingTheDocument) {
  auto real = loadOrSkip();
  if (!real) GTEST_SKIP() << "no model file";
  auto backend = std::make_shared<PretendCudaBackend>(real);
  PaintedSession s(backend);
  const LabelMap painted = s.doc.labels();
  ASSERT_EQ(s.doc.undoStack()->count(), 1);
  ASSERT_FALSE(painted == LabelMap(painted.width, painted.height, 0));
  QSignalSpy warnings(&s.session, &StudioSession::warningOccurred);
  QSignalSpy errors(&s.session, &StudioSession::errorOccurred);
  QSignalSpy finished(&s.session, &StudioSession::runFinished);

  injectDeviceFaultsForTests(1);
  ASSERT_NE(s.session.generate(), 0u);
  ASSERT_TRUE(finished.wait(120000));
  EXPECT_EQ(pendingDeviceFaultsForTests(), 0);
  EXPECT_TRUE(errors.isEmpty());
  ASSERT_EQ(warnings.size(), 1);
  const QString warning = warnings.front().front().toString();
  EXPECT_TRUE(warning.startsWith(QStringLiteral("CUDA failed (generation ran out of GPU memory")))
      << warning.toStdString();
  EXPECT_TRUE(warning.endsWith(QStringLiteral("switched to the CPU."))) << warning.toStdString();
  EXPECT_EQ(backend->moves.load(), 1);
  EXPECT_EQ(s.session.deviceName(), QStringLiteral("cpu"));
  ASSERT_EQ(s.session.results().size(), 1u);
  EXPECT_EQ(s.session.results().front().provenance.device, QStringLiteral("cpu"));
  EXPECT_EQ(s.doc.labels(), painted);
  EXPECT_EQ(s.doc.undoStack()->count(), 1);
  EXPECT_EQ(s.doc.undoStack()->index(), 1);
  s.doc.undoStack()->undo();
  EXPECT_EQ(s.doc.labels(), LabelMap(painted.width, painted.height, 0));
}

// The same fault with the model on the CPU (nothing to fall back to): the run reports
// the failure, nothing is added, the document is untouched and the next run works.
TEST(EngineBackend, InjectedFaultOnTheCpuIsReportedAndTheNextRunWorks) {
  auto backend = loadOrSkip();
  if (!backend) GTEST_SKIP() << "no model file";
  PaintedSession s(backend);
  const LabelMap painted = s.doc.labels();
  QSignalSpy errors(&s.session, &StudioSession::errorOccurred);
  QSignalSpy finished(&s.session, &StudioSession::runFinished);

  injectDeviceFaultsForTests(1);
  ASSERT_NE(s.session.generate(), 0u);
  ASSERT_TRUE(finished.wait(120000));
  ASSERT_EQ(errors.size(), 1);
  EXPECT_EQ(errors.front().at(1).toString(),
            QStringLiteral("generation ran out of GPU memory; try fewer variations or the CPU"));
  EXPECT_TRUE(s.session.results().empty());
  EXPECT_EQ(s.doc.labels(), painted);
  EXPECT_EQ(s.doc.undoStack()->count(), 1);

  ASSERT_NE(s.session.generate(), 0u);
  ASSERT_TRUE(finished.wait(120000));
  EXPECT_EQ(errors.size(), 1);
  EXPECT_EQ(s.session.results().size(), 1u);
}

// On a machine with a GPU: the real engine on CUDA, an injected out-of-memory, and the
// real move of the weights to the CPU. Skips without CUDA (CI, the Debian CPU build).
TEST(EngineBackend, InjectedCudaOutOfMemoryOnARealGpuFallsBackToTheCpu) {
  if (!cudaAvailable()) GTEST_SKIP() << "no CUDA device: CUDA variant skipped";
  const std::string path = testModel();
  if (path.empty()) GTEST_SKIP() << "no model file";
  auto gpu = EngineBackend::load(path, DeviceKind::Cuda);
  ASSERT_TRUE(gpu.ok()) << gpu.error();
  ASSERT_TRUE(gpu.value()->onCuda());
  PaintedSession s(gpu.value());
  const LabelMap painted = s.doc.labels();
  QSignalSpy warnings(&s.session, &StudioSession::warningOccurred);
  QSignalSpy finished(&s.session, &StudioSession::runFinished);
  injectDeviceFaultsForTests(1);
  ASSERT_NE(s.session.generate(), 0u);
  ASSERT_TRUE(finished.wait(120000));
  ASSERT_EQ(warnings.size(), 1);
  EXPECT_FALSE(gpu.value()->onCuda());
  EXPECT_EQ(s.session.results().size(), 1u);
  EXPECT_EQ(s.doc.labels(), painted);
  EXPECT_EQ(s.doc.undoStack()->count(), 1);
}

// The studio's first model: camvid, never its preview companion (which sorts before it).
TEST(ModelPaths, DefaultModelIsCamvidThenAFullModelNeverACompanion) {
  const std::string d = "/m/";
  EXPECT_EQ(chooseDefaultModel({d + "camvid-small.safetensors", d + "camvid.safetensors", d + "cifar10.safetensors"}),
            d + "camvid.safetensors");
  EXPECT_EQ(chooseDefaultModel({d + "camvid2-small.safetensors", d + "camvid2.safetensors"}),
            d + "camvid2.safetensors");
  EXPECT_EQ(chooseDefaultModel({d + "faces-small.safetensors", d + "faces.safetensors"}), d + "faces.safetensors");
  // A -small model without its full model is an ordinary model.
  EXPECT_EQ(chooseDefaultModel({d + "camvid-small.safetensors", d + "fasseg.safetensors"}),
            d + "camvid-small.safetensors");
  EXPECT_EQ(chooseDefaultModel({d + "fasseg.safetensors", d + "cifar10.safetensors"}), d + "fasseg.safetensors");
  EXPECT_EQ(chooseDefaultModel({}), "");
}

// File ▸ Open sample map lists the maps named for the loaded model, from the user's folder
// (and the installed and source ones).
TEST(ModelPaths, SampleMapsAreThoseNamedForTheModel) {
  QTemporaryDir data;
  const QString samples = data.filePath("symmflow/samples");
  ASSERT_TRUE(QDir().mkpath(samples));
  for (const char* name : {"camvid_b.png", "camvid_a.png", "fasseg_x.png", "camvidx.png", "camvid_notes.txt"})
    QFile(samples + "/" + name).open(QIODevice::WriteOnly);
  const QByteArray before = qgetenv("XDG_DATA_HOME");
  qputenv("XDG_DATA_HOME", data.path().toUtf8());
  const auto forCamvid = listSampleMaps("camvid");
  const auto forCompanion = listSampleMaps("camvid-small");
  const auto forFasseg = listSampleMaps("fasseg");
  const auto forNone = listSampleMaps("cifar10");
  if (before.isNull())
    qunsetenv("XDG_DATA_HOME");
  else
    qputenv("XDG_DATA_HOME", before);
  ASSERT_GE(forCamvid.size(), 2u);
  EXPECT_EQ(forCamvid[0], (samples + "/camvid_a.png").toStdString()) << "the user's folder first, sorted";
  EXPECT_EQ(forCamvid[1], (samples + "/camvid_b.png").toStdString());
  for (const auto& f : forCamvid) EXPECT_EQ(QFileInfo(QString::fromStdString(f)).fileName().left(7), "camvid_") << f;
  EXPECT_EQ(forCompanion, forCamvid) << "camvid-small serves camvid: the same maps";
  ASSERT_FALSE(forFasseg.empty());
  EXPECT_EQ(forFasseg[0], (samples + "/fasseg_x.png").toStdString());
  EXPECT_TRUE(forNone.empty());
}

// Live previews on the CPU come from <stem>-small.safetensors when it matches the model
// (same classes and sizes) and the model is over the step budget, and from the model itself
// otherwise.
TEST(EngineBackend, PreviewsUseAMatchingSmallCompanionOnTheCpu) {
  const std::string dense = testModel(false), imageLevel = testModel(true);
  if (dense.empty()) GTEST_SKIP() << "no model file (set SYMMFLOW_TEST_MODEL)";
  QTemporaryDir dir;
  const std::string main = dir.filePath("street.safetensors").toStdString();
  const std::string small = dir.filePath("street-small.safetensors").toStdString();
  ASSERT_TRUE(QFile::copy(QString::fromStdString(dense), QString::fromStdString(main)));
  ASSERT_TRUE(QFile::copy(QString::fromStdString(dense), QString::fromStdString(small)));
  EXPECT_EQ(previewCompanion(main), small);
  EXPECT_EQ(previewCompanion(small), "") << "a -small model has no companion of its own";

  auto b = EngineBackend::load(main, DeviceKind::Cpu);
  ASSERT_TRUE(b.ok()) << b.error();
  (*b)->setPreviewStepBudget(0.0);  // as on a CPU too slow for the model's own previews
  EXPECT_EQ((*b)->previewModel(), "") << "loaded lazily, at the first preview";
  RunParams p;
  p.steps = 1;
  p.seed = 3;
  const LabelMap map = stripes((*b)->info());
  auto viaPreview = (*b)->preview(map, p, {});
  ASSERT_TRUE(viaPreview.ok()) << viaPreview.error();
  EXPECT_EQ((*b)->previewModel(), small);
  auto viaGenerate = (*b)->generate(map, p, {});
  ASSERT_TRUE(viaGenerate.ok());
  EXPECT_EQ(viaPreview->front(), viaGenerate->front()) << "same weights here, so the same image";

  // Fast enough on this CPU (the budget of a minute a step): the model's own previews, after
  // two timed ones.
  auto fast = EngineBackend::load(main, DeviceKind::Cpu);
  ASSERT_TRUE(fast.ok());
  (*fast)->setPreviewStepBudget(60.0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*fast)->preview(map, p, {}).ok());
  EXPECT_EQ((*fast)->previewModel(), "");

  // Far over the budget: one run decides, and a Generate counts as one. (A budget of a
  // nanosecond a step, as on a CPU a billion times slower than any.)
  auto slow = EngineBackend::load(main, DeviceKind::Cpu);
  ASSERT_TRUE(slow.ok());
  (*slow)->setPreviewStepBudget(1e-9);
  ASSERT_TRUE((*slow)->generate(map, p, {}).ok());
  ASSERT_TRUE((*slow)->preview(map, p, {}).ok());
  EXPECT_EQ((*slow)->previewModel(), small) << "the first preview after one slow Generate is the companion's";

  // A companion for other classes is not used.
  if (imageLevel.empty()) return;
  ASSERT_TRUE(QFile::remove(QString::fromStdString(small)));
  ASSERT_TRUE(QFile::copy(QString::fromStdString(imageLevel), QString::fromStdString(small)));
  auto c = EngineBackend::load(main, DeviceKind::Cpu);
  ASSERT_TRUE(c.ok());
  (*c)->setPreviewStepBudget(0.0);
  ASSERT_TRUE((*c)->preview(map, p, {}).ok());
  EXPECT_EQ((*c)->previewModel(), "");
}
