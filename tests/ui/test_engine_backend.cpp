// SPDX-License-Identifier: MIT
// The real engine behind the ui's backend interface, with a real model file:
// $SYMMFLOW_TEST_MODEL, else the first model in the model folders. Skips cleanly
// when there is none.
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
    for (int x = 0; x < m.width; ++x)
      m.at(x, y) = static_cast<std::uint8_t>((y * k / std::max(1, m.height)) % k);
  return m;
}

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
  std::string seed, steps, sha;
  for (const auto& [k, v] : *text) {
    if (k == "symmflow.seed") seed = v;
    if (k == "symmflow.steps") steps = v;
    if (k == "symmflow.model_sha256") sha = v;
  }
  EXPECT_EQ(seed, "77");
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
