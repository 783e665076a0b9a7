/**
 * Writes a Sequential MLP (dense layers, each with an optional activation) as an ONNX model:
 * one Gemm per layer, then Relu or Tanh. tfjs dense kernels are [in, out], which is Gemm's B
 * without a transpose (transB = 0): a transposed kernel would still load for square layers and
 * give wrong answers silently, so the exporter checks every shape against `inputs`/`outputs`.
 * Opset 17, IR version 8; weights as little-endian float32 `rawData`. Input "input" and output
 * "output" (names configurable) are [batch, features] with a symbolic batch dimension.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type MlpActivation = 'linear' | 'relu' | 'tanh';

export interface DenseLayerWeights {
  /** Row-major [inputs, outputs] (tfjs kernel layout). */
  readonly weights: Float32Array;
  readonly bias: Float32Array;
  readonly inputs: number;
  readonly outputs: number;
  readonly activation: MlpActivation;
}

export interface MlpExportOptions {
  readonly inputName?: string;
  readonly outputName?: string;
  /** Model name stored in the graph. */
  readonly graphName?: string;
  readonly docString?: string;
  /** Free-form key/value pairs stored as the model's metadata_props. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;
const BATCH_DIM = 'batch';

/** Serialises the layers to an ONNX model file's bytes. Throws RangeError on inconsistent shapes. */
export function exportMlpToOnnx(
  layers: readonly DenseLayerWeights[],
  opts: MlpExportOptions = {},
): Uint8Array {
  checkLayers(layers);
  const inputName = opts.inputName ?? 'input';
  const outputName = opts.outputName ?? 'output';
  const nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  const initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  let current = inputName;
  layers.forEach((layer, i) => {
    const last = i === layers.length - 1;
    const w = `dense_${i}/kernel`;
    const b = `dense_${i}/bias`;
    initializers.push(floatTensor(w, [layer.inputs, layer.outputs], layer.weights));
    initializers.push(floatTensor(b, [layer.outputs], layer.bias));
    const gemmOut = last && layer.activation === 'linear' ? outputName : `dense_${i}/gemm`;
    nodes.push(gemmNode(`dense_${i}`, [current, w, b], gemmOut));
    current = gemmOut;
    if (layer.activation !== 'linear') {
      const actOut = last ? outputName : `dense_${i}/${layer.activation}`;
      const op = layer.activation === 'relu' ? 'Relu' : 'Tanh';
      nodes.push(
        onnx.NodeProto.create({ name: `dense_${i}_${op}`, opType: op, input: [current], output: [actOut] }),
      );
      current = actOut;
    }
  });
  const graph = onnx.GraphProto.create({
    name: opts.graphName ?? 'mlp',
    node: nodes,
    initializer: initializers,
    input: [valueInfo(inputName, layers[0].inputs)],
    output: [valueInfo(outputName, layers[layers.length - 1].outputs)],
  });
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: ONNX_OPSET })],
    producerName: 'hft-router',
    producerVersion: '1',
    docString: opts.docString ?? '',
    graph,
    metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) =>
      onnx.StringStringEntryProto.create({ key, value }),
    ),
  });
  return onnx.ModelProto.encode(model).finish();
}

function checkLayers(layers: readonly DenseLayerWeights[]): void {
  if (layers.length === 0) throw new RangeError('exportMlpToOnnx: no layers');
  layers.forEach((l, i) => {
    if (!(Number.isInteger(l.inputs) && l.inputs > 0 && Number.isInteger(l.outputs) && l.outputs > 0))
      throw new RangeError(`exportMlpToOnnx layer ${i}: inputs and outputs must be positive integers`);
    if (l.weights.length !== l.inputs * l.outputs)
      throw new RangeError(
        `exportMlpToOnnx layer ${i}: weights hold ${l.weights.length} values, [${l.inputs}, ${l.outputs}] needs ${l.inputs * l.outputs}`,
      );
    if (l.bias.length !== l.outputs)
      throw new RangeError(
        `exportMlpToOnnx layer ${i}: bias holds ${l.bias.length} values, expected ${l.outputs}`,
      );
    if (i > 0 && layers[i - 1].outputs !== l.inputs)
      throw new RangeError(
        `exportMlpToOnnx layer ${i}: takes ${l.inputs} inputs but layer ${i - 1} gives ${layers[i - 1].outputs}`,
      );
  });
}

function gemmNode(name: string, input: string[], output: string) {
  const int = (n: string, i: number) =>
    onnx.AttributeProto.create({ name: n, type: onnx.AttributeProto.AttributeType.INT, i });
  const float = (n: string, f: number) =>
    onnx.AttributeProto.create({ name: n, type: onnx.AttributeProto.AttributeType.FLOAT, f });
  return onnx.NodeProto.create({
    name,
    opType: 'Gemm',
    input,
    output: [output],
    attribute: [float('alpha', 1), float('beta', 1), int('transA', 0), int('transB', 0)],
  });
}

function floatTensor(name: string, dims: number[], values: Float32Array) {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
}

function valueInfo(name: string, features: number) {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: [
            onnx.TensorShapeProto.Dimension.create({ dimParam: BATCH_DIM }),
            onnx.TensorShapeProto.Dimension.create({ dimValue: features }),
          ],
        }),
      }),
    }),
  });
}
