// What the operation tests (tests/unit/operations/) share: the support headers and the short names
// they use, brought in by `using namespace secretstage::testing::operation_test;`.
#pragma once

#include "support/aws_text.hpp"
#include "support/given.hpp"

namespace secretstage::testing::operation_test {
namespace text = testing::aws_text;
using testing::aws_map;
using testing::fail;
using testing::given;
using testing::snapshot_of;
using testing::step;
using testing::version_labels;
using testing::vid;
}  // namespace secretstage::testing::operation_test
