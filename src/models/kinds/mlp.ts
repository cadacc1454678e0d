/**
 * mlp: one hidden relu layer with dropout on sentence vectors, Adam, early stopping on a
 * validation split like scikit-learn's MLPClassifier(early_stopping=True) (ANCHORS.md
 * section 2, method D; models/network-training.ts); its logits are then temperature-scaled on
 * that split, the scale folded into the output layer.
 */
import { SentenceEncoder } from '../../features/sentence.js';
import { defineKind, embeddingsOf } from '../kind.js';
import { denseInput, trainNetwork } from '../network-training.js';
import { loadSentenceNetwork, network, SentenceNetworkModel } from '../sentence-network.js';
import {
  NETWORK,
  VECTORS,
  wholeAtLeast,
  type NetworkSettings,
  type VectorSettings,
} from '../setting.js';
import { tensorflow } from '../tfjs/backend.js';

/** One hidden relu layer with dropout on sentence vectors (ANCHORS.md method D). */
export interface MlpSettings extends VectorSettings, NetworkSettings {
  model: 'mlp';
  /** Hidden units; default 256. */
  hidden: number;
}

export const mlp = defineKind<MlpSettings>({
  name: 'mlp',
  summary: 'one hidden relu layer with dropout on sentence vectors, early stopping',
  family: 'vectors',
  comparedByDefault: true,
  usesVectors: true,
  cost: 3,
  settings: { ...VECTORS, hidden: { default: 256, check: wholeAtLeast(1) }, ...NETWORK },
  features: (s) => `${s.features} vectors`,

  async train(data, o, ctx) {
    const { docs, classes } = data;
    const tf = await tensorflow();
    const { encoder, x } = SentenceEncoder.fit(o.features, docs, embeddingsOf('mlp', ctx), {
      clitics: o.clitics,
    });
    const d = encoder.dims;
    const h = o.hidden;
    const k = classes.length;
    const fit = trainNetwork(tf, denseInput(x, d), data, [h], o, ctx);
    const [W1, W2, b2] = fit.weights;
    try {
      const net = network(tf, d, k, { units: [h], dropout: o.dropout });
      // The temperature goes into the output layer.
      const scale = fit.calibration.scale;
      const layerWeights = tf.tidy(() =>
        [
          tf.slice(W1, [0, 0], [d, h]),
          tf.reshape(tf.slice(W1, [d, 0], [1, h]), [h]),
          tf.mul(tf.transpose(W2), scale),
          tf.mul(b2, scale),
        ].map((t) => tf.clone(t)),
      );
      net.setWeights(layerWeights);
      tf.dispose(layerWeights);
      const info = {
        epochs: fit.epochs,
        validationScore: fit.validationScore,
        calibration: fit.calibration,
        backend: tf.getBackend(),
      };
      return new SentenceNetworkModel('mlp', classes, encoder, net, tf, info);
    } finally {
      tf.dispose(fit.weights);
    }
  },

  load: (dir, saved, ctx) => loadSentenceNetwork('mlp', dir, saved, ctx),
});
