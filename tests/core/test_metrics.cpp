// SPDX-License-Identifier: MIT
#include <cmath>

#include <gtest/gtest.h>

#include "core/metrics.h"

using symmflow::ConfusionMatrix;

TEST(Metrics, IouAndAccuracyByHand) {
  ConfusionMatrix cm(3, 2);  // class 2 is ignore
  const uint8_t truth[] = {0, 0, 0, 1, 1, 2, 2, 1};
  const uint8_t pred[] = {0, 0, 1, 1, 0, 0, 1, 1};
  cm.add(truth, pred, 8);
  // class 0: tp 2, fn 1 (0->1), fp 1 (1->0): 2/4. class 1: tp 2, fn 1, fp 1: 2/4.
  auto iou = cm.iou();
  EXPECT_DOUBLE_EQ(iou[0], 0.5);
  EXPECT_DOUBLE_EQ(iou[1], 0.5);
  EXPECT_TRUE(std::isnan(iou[2]));
  EXPECT_DOUBLE_EQ(cm.meanIou(), 0.5);
  EXPECT_DOUBLE_EQ(cm.pixelAccuracy(), 4.0 / 6.0);
  EXPECT_EQ(cm.total(), 6);
}

TEST(Metrics, AbsentClassesAreLeftOutOfTheMeanAndOutOfRangePredictionsAreWrong) {
  ConfusionMatrix cm(4);
  cm.add(0, 0);
  cm.add(1, 1);
  cm.add(1, 9);  // prediction outside the classes
  EXPECT_DOUBLE_EQ(cm.meanIou(), (1.0 + 0.5) / 2.0);
  EXPECT_DOUBLE_EQ(cm.pixelAccuracy(), 2.0 / 3.0);
  ConfusionMatrix other(4);
  other.add(3, 3);
  cm.merge(other);
  EXPECT_DOUBLE_EQ(cm.meanIou(), (1.0 + 0.5 + 1.0) / 3.0);
  EXPECT_NE(cm.toJson({"a", "b", "c", "d"}).find("\"per_class_iou\""), std::string::npos);
}
