/** The ONNX protobuf schema (onnx-proto), loaded once for the forge and the graph surgery. */
import { createRequire } from 'node:module'
import type { onnx as OnnxNamespace } from 'onnx-proto'

// onnx-proto ships CommonJS whose typings are written as an ES namespace: load it through require.
const require = createRequire(import.meta.url)
export const onnx: typeof OnnxNamespace = require('onnx-proto').onnx

export type { OnnxNamespace }
export const DataType = onnx.TensorProto.DataType
