/**
 * A minimal ONNX exporter for multilayer perceptrons (opset 17, IR 8): one Gemm per dense layer
 * (`transB = 0`: tfjs dense kernels are stored [inputs, outputs]) followed by its activation.
 * Weights go in as float32 `rawData`, little-endian, as the ONNX spec requires.
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

export type MlpActivation = 'linear' | 'relu' | 'tanh' | 'sigmoid';

export interface MlpLayer {
  /** Row-major [inputs, outputs]. */
  weights: Float32Array;
  bias: Float32Array;
  inputs: number;
  outputs: number;
  activation: MlpActivation;
}

export interface MlpExportOptions {
  inputName?: string;
  outputName?: string;
  /** Free-form model metadata (ONNX metadata_props). */
  metadata?: Record<string, string>;
  docString?: string;
}

const ACTIVATION_OPS: Record<Exclude<MlpActivation, 'linear'>, string> = {
  relu: 'Relu',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
};

export function exportMlpToOnnx(layers: readonly MlpLayer[], opts: MlpExportOptions = {}): Uint8Array {
  if (layers.length === 0) throw new Error('exportMlpToOnnx: no layers');
  const inputName = opts.inputName ?? 'input';
  const outputName = opts.outputName ?? 'output';
  const nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  const initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  let current = inputName;
  layers.forEach((layer, k) => {
    if (layer.weights.length !== layer.inputs * layer.outputs || layer.bias.length !== layer.outputs)
      throw new Error(
        `exportMlpToOnnx: layer ${k} has ${layer.weights.length} weights for ${layer.inputs}x${layer.outputs}`,
      );
    if (k > 0 && layers[k - 1].outputs !== layer.inputs)
      throw new Error(
        `exportMlpToOnnx: layer ${k} takes ${layer.inputs} inputs, layer ${k - 1} gives ${layers[k - 1].outputs}`,
      );
    const w = `dense${k}_W`;
    const b = `dense${k}_B`;
    initializers.push(floatTensor(w, [layer.inputs, layer.outputs], layer.weights));
    initializers.push(floatTensor(b, [layer.outputs], layer.bias));
    const last = k === layers.length - 1;
    const gemmOut = last && layer.activation === 'linear' ? outputName : `dense${k}_gemm`;
    nodes.push(
      onnx.NodeProto.create({
        opType: 'Gemm',
        name: `dense${k}`,
        input: [current, w, b],
        output: [gemmOut],
        attribute: [
          onnx.AttributeProto.create({ name: 'transB', type: onnx.AttributeProto.AttributeType.INT, i: 0 }),
        ],
      }),
    );
    current = gemmOut;
    if (layer.activation !== 'linear') {
      const actOut = last ? outputName : `dense${k}_act`;
      nodes.push(
        onnx.NodeProto.create({
          opType: ACTIVATION_OPS[layer.activation],
          name: `dense${k}_${layer.activation}`,
          input: [current],
          output: [actOut],
        }),
      );
      current = actOut;
    }
  });
  const graph = onnx.GraphProto.create({
    name: 'mlp',
    node: nodes,
    initializer: initializers,
    input: [valueInfo(inputName, layers[0].inputs)],
    output: [valueInfo(outputName, layers[layers.length - 1].outputs)],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'hft-router',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 17 })],
    graph,
    docString: opts.docString ?? '',
    metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) =>
      onnx.StringStringEntryProto.create({ key, value }),
    ),
  });
  return onnx.ModelProto.encode(model).finish();
}

function floatTensor(
  name: string,
  dims: number[],
  data: Float32Array,
): InstanceType<typeof onnx.TensorProto> {
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
}

/** A float32 [batch, width] tensor whose batch dimension is free. */
function valueInfo(name: string, width: number): InstanceType<typeof onnx.ValueInfoProto> {
  return onnx.ValueInfoProto.create({
    name,
    type: onnx.TypeProto.create({
      tensorType: onnx.TypeProto.Tensor.create({
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: onnx.TensorShapeProto.create({
          dim: [
            onnx.TensorShapeProto.Dimension.create({ dimParam: 'batch' }),
            onnx.TensorShapeProto.Dimension.create({ dimValue: width }),
          ],
        }),
      }),
    }),
  });
}
