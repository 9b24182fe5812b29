//===- KilnOps.td - kiln dialect operations ------------------*- tablegen -*-===//
//
// SPDX-License-Identifier: Apache-2.0
//
// The op list of the kiln dialect, grouped by family in the included files.
//
//===----------------------------------------------------------------------===//

#ifndef KILN_OPS_TD
#define KILN_OPS_TD

include "dialects/kiln/IR/KilnBase.td"
include "dialects/kiln/IR/KilnElementwiseOps.td"
include "dialects/kiln/IR/KilnNNOps.td"
include "dialects/kiln/IR/KilnReductionOps.td"
include "dialects/kiln/IR/KilnShapeOps.td"
include "dialects/kiln/IR/KilnLossOps.td"
include "dialects/kiln/IR/KilnControlFlowOps.td"

#endif // KILN_OPS_TD
