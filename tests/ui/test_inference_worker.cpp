// SPDX-License-Identifier: MIT
// The worker: runs, per-step progress, cancel, latest-wins, CUDA fallback.
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

#include "fake_backend.h"
#include "ui/inference_worker.h"

using namespace symmflow;
using namespace symmflow::ui;
using Kind = InferenceRequest::Kind;
using ResultPtr = std::shared_ptr<const InferenceResult>;

namespace {

InferenceRequest generateRequest(Kind kind = Kind::Generate, int steps = 4, std::uint64_t seed = 1) {
  InferenceRequest r;
  r.kind = kind;
  r.labels = LabelMap(32, 24, 1);
  r.run.steps = steps;
  r.run.seed = seed;
  return r;
}

struct Collector {
  std::vector<ResultPtr> results;
  std::vector<quint64> dropped;
  int progress = 0;
  explicit Collector(InferenceWorker& w) {
    QObject::connect(&w, &InferenceWorker::finished, [this](ResultPtr r) { results.push_back(r); });
    QObject::connect(&w, &InferenceWorker::dropped, [this](quint64 id) { dropped.push_back(id); });
    QObject::connect(&w, &InferenceWorker::progress, [this](quint64, const StepReport&) { ++progress; });
  }
};

}  // namespace

TEST(InferenceWorker, RunsAndReportsEveryStep) {
  InferenceWorker w;
  auto fake = std::make_shared<test::FakeBackend>();
  w.setBackend(fake);
  Collector c(w);
  QSignalSpy busy(&w, &InferenceWorker::busyChanged);
  const auto id = w.submit(generateRequest(Kind::Generate, 5, 7));
  ASSERT_TRUE(QTest::qWaitFor([&] { return !c.results.empty(); }, 5000));
  const auto& r = *c.results.front();
  EXPECT_EQ(r.id, id);
  EXPECT_TRUE(r.ok) << r.error.toStdString();
  EXPECT_FALSE(r.cancelled);
  ASSERT_EQ(r.images.size(), 1u);
  EXPECT_EQ(r.images[0].width, 32);
  EXPECT_EQ(r.steps.size(), 6u);  // the points of 5 steps, start and end
  EXPECT_EQ(c.progress, 6);
  EXPECT_EQ(r.device, "cpu");
  EXPECT_GE(r.seconds, 0.0);
  ASSERT_TRUE(QTest::qWaitFor([&] { return busy.count() >= 2; }, 2000));
  EXPECT_TRUE(busy.at(0).at(0).toBool());
  EXPECT_FALSE(busy.last().at(0).toBool());
}

TEST(InferenceWorker, DeliversResultsOnTheGuiThread) {
  InferenceWorker w;
  w.setBackend(std::make_shared<test::FakeBackend>());
  QThread* seen = nullptr;
  QObject::connect(&w, &InferenceWorker::finished, [&](ResultPtr) { seen = QThread::currentThread(); });
  w.submit(generateRequest());
  ASSERT_TRUE(QTest::qWaitFor([&] { return seen != nullptr; }, 5000));
  EXPECT_EQ(seen, QThread::currentThread());
}

TEST(InferenceWorker, CancelStopsPromptly) {
  InferenceWorker w;
  auto fake = std::make_shared<test::FakeBackend>();
  fake->stepDelayMs = 50;
  w.setBackend(fake);
  Collector c(w);
  w.submit(generateRequest(Kind::Generate, 200));
  ASSERT_TRUE(QTest::qWaitFor([&] { return c.progress >= 1; }, 5000));
  const auto t0 = std::chrono::steady_clock::now();
  w.cancel();
  ASSERT_TRUE(QTest::qWaitFor([&] { return !c.results.empty(); }, 5000));
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_TRUE(c.results.front()->cancelled);
  EXPECT_FALSE(c.results.front()->ok);
  EXPECT_TRUE(c.results.front()->images.empty());
  EXPECT_LT(s, 2.0);  // generous: one step is 50 ms
  EXPECT_LT(c.progress, 200);
}

TEST(InferenceWorker, LatestRequestWins) {
  InferenceWorker w;
  auto fake = std::make_shared<test::FakeBackend>();
  fake->stepDelayMs = 20;
  w.setBackend(fake);
  Collector c(w);
  const auto a = w.submit(generateRequest(Kind::Generate, 100, 1));
  ASSERT_TRUE(QTest::qWaitFor([&] { return c.progress >= 1; }, 5000));
  const auto b = w.submit(generateRequest(Kind::Generate, 100, 2));  // pending, cancels a
  const auto d = w.submit(generateRequest(Kind::Generate, 3, 3));    // replaces b
  ASSERT_TRUE(QTest::qWaitFor([&] { return c.results.size() >= 2; }, 10000));
  QTest::qWait(100);
  ASSERT_EQ(c.results.size(), 2u);
  EXPECT_EQ(c.results[0]->id, a);
  EXPECT_TRUE(c.results[0]->cancelled);
  EXPECT_EQ(c.results[1]->id, d);
  EXPECT_TRUE(c.results[1]->ok);
  EXPECT_EQ(c.results[1]->request->run.seed, 3u);
  ASSERT_EQ(c.dropped.size(), 1u);
  EXPECT_EQ(c.dropped[0], b);
}

TEST(InferenceWorker, PreviewNeverInterruptsARequestedRun) {
  InferenceWorker w;
  auto fake = std::make_shared<test::FakeBackend>();
  fake->stepDelayMs = 10;
  w.setBackend(fake);
  Collector c(w);
  const auto g = w.submit(generateRequest(Kind::Generate, 10, 1));
  ASSERT_TRUE(QTest::qWaitFor([&] { return c.progress >= 1; }, 5000));
  const auto p = w.submit(generateRequest(Kind::Preview, 2, 5));
  ASSERT_TRUE(QTest::qWaitFor([&] { return c.results.size() >= 2; }, 10000));
  EXPECT_EQ(c.results[0]->id, g);
  EXPECT_TRUE(c.results[0]->ok);  // not cancelled by the preview
  EXPECT_EQ(c.results[1]->id, p);
  EXPECT_TRUE(c.results[1]->ok);
}

TEST(InferenceWorker, NewRequestCancelsRunningPreview) {
  InferenceWorker w;
  auto fake = std::make_shared<test::FakeBackend>();
  fake->stepDelayMs = 20;
  w.setBackend(fake);
  Collector c(w);
  const auto p = w.submit(generateRequest(Kind::Preview, 100, 1));
  ASSERT_TRUE(QTest::qWaitFor([&] { return c.progress >= 1; }, 5000));
  const auto g = w.submit(generateRequest(Kind::Generate, 2, 2));
  ASSERT_TRUE(QTest::qWaitFor([&] { return c.results.size() >= 2; }, 10000));
  EXPECT_EQ(c.results[0]->id, p);
  EXPECT_TRUE(c.results[0]->cancelled);
  EXPECT_EQ(c.results[1]->id, g);
  EXPECT_TRUE(c.results[1]->ok);
}

TEST(InferenceWorker, NoBackendFailsWithAMessage) {
  InferenceWorker w;
  Collector c(w);
  w.submit(generateRequest());
  ASSERT_TRUE(QTest::qWaitFor([&] { return !c.results.empty(); }, 5000));
  EXPECT_FALSE(c.results[0]->ok);
  EXPECT_FALSE(c.results[0]->error.isEmpty());
}

TEST(InferenceWorker, CudaFailureFallsBackToCpu) {
  InferenceWorker w;
  auto fake = std::make_shared<test::FakeBackend>();
  fake->cuda = true;
  fake->failOnCuda = true;
  w.setBackend(fake);
  Collector c(w);
  w.submit(generateRequest());
  ASSERT_TRUE(QTest::qWaitFor([&] { return !c.results.empty(); }, 5000));
  const auto& r = *c.results[0];
  EXPECT_TRUE(r.ok) << r.error.toStdString();
  EXPECT_FALSE(fake->onCuda());
  EXPECT_TRUE(r.warning.contains("CPU")) << r.warning.toStdString();
  EXPECT_EQ(r.device, "cpu");
}

TEST(InferenceWorker, PreviewsOnlyWhenAsked) {
  // One request at a time, so that which result belongs to which request is certain.
  for (const bool previews : {false, true}) {
    InferenceWorker w;
    w.setBackend(std::make_shared<test::FakeBackend>());
    Collector c(w);
    auto req = generateRequest(Kind::Generate, 3);
    req.previews = previews;
    w.submit(req);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !c.results.empty(); }, 5000));
    const auto& r = *c.results.back();
    ASSERT_TRUE(r.ok) << r.error.toStdString();
    ASSERT_FALSE(r.steps.empty());
    EXPECT_EQ(r.steps[0].items.empty(), !previews);
  }
}

TEST(InferenceWorker, DestructionWhileRunningIsClean) {
  auto fake = std::make_shared<test::FakeBackend>();
  fake->stepDelayMs = 20;
  {
    InferenceWorker w;
    w.setBackend(fake);
    w.submit(generateRequest(Kind::Generate, 1000));
    QTest::qWait(50);
  }
  SUCCEED();
}
