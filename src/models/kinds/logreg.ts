/**
 * logreg: softmax regression with L2 on sentence vectors, fitted by L-BFGS like
 * scikit-learn's LogisticRegression (ANCHORS.md section 2, method C). Its probabilities are
 * its maximum-likelihood fit's own.
 */
import { SentenceEncoder } from '../../features/sentence.js';
import { defineKind, embeddingsOf } from '../kind.js';
import { lbfgs } from '../lbfgs.js';
import { weigher } from '../metric.js';
import { loadSentenceNetwork, network, oneHot, SentenceNetworkModel } from '../sentence-network.js';
import { C_FLAG, positive, VECTORS, type VectorSettings } from '../setting.js';
import { tensorflow } from '../tfjs/backend.js';

/** Softmax regression on sentence vectors (ANCHORS.md method C). */
export interface LogregSettings extends VectorSettings {
  model: 'logreg';
  /** Inverse regularisation strength, as scikit-learn's C; default 1. */
  C: number;
}

export const logreg = defineKind<LogregSettings>({
  name: 'logreg',
  summary: 'softmax regression on sentence vectors (L-BFGS, as scikit-learn)',
  family: 'vectors',
  comparedByDefault: true,
  usesVectors: true,
  cost: 1,
  settings: {
    ...VECTORS,
    C: { default: 1, check: positive, flag: C_FLAG },
  },
  features: (s) => `${s.features} vectors`,

  async train({ docs, labels, classes }, o, ctx) {
    const tf = await tensorflow();
    const { encoder, x } = SentenceEncoder.fit(o.features, docs, embeddingsOf('logreg', ctx), {
      clitics: o.clitics,
    });
    const n = docs.length;
    const d = encoder.dims;
    const k = classes.length;
    const X = tf.tensor2d(x, [n, d]);
    const Xt = tf.transpose(X);
    const Y = tf.tensor2d(oneHot(labels, k), [n, k]);
    // Class weights weigh each text's loss (scikit-learn's class_weight): a column of weights.
    const perClass = weigher(o.classWeight, classes)?.(labels);
    const S =
      perClass &&
      tf.tensor2d(
        Float32Array.from(labels, (y) => perClass[y]),
        [n, 1],
      );
    // scikit-learn minimises sum(loss) + ||w||^2 / (2C) (intercept not penalised). With two
    // classes it fits one weight vector w; softmax's two columns settle at +-w/2, so the same
    // penalty needs twice the weight on each column.
    const mu = (k === 2 ? 1 : 0.5) / o.C;
    const objective = (theta: Float64Array) => {
      const [loss, gW, gb] = tf.tidy(() => {
        const W = tf.tensor2d(Float32Array.from(theta.subarray(0, d * k)), [d, k]);
        const b = tf.tensor1d(Float32Array.from(theta.subarray(d * k)));
        const logp = tf.logSoftmax(tf.add(tf.matMul(X, W), b));
        const Yw = S ? tf.mul(Y, S) : Y;
        const diff = S ? tf.mul(tf.sub(tf.exp(logp), Y), S) : tf.sub(tf.exp(logp), Y);
        return [tf.neg(tf.sum(tf.mul(Yw, logp))), tf.matMul(Xt, diff), tf.sum(diff, 0)];
      });
      const [l, w, bb] = [loss.dataSync()[0], gW.dataSync(), gb.dataSync()];
      tf.dispose([loss, gW, gb]);
      let value = l;
      const grad = new Float64Array(theta.length);
      for (let i = 0; i < d * k; i++) {
        value += mu * theta[i] * theta[i];
        grad[i] = (w[i] + 2 * mu * theta[i]) / n;
      }
      for (let c = 0; c < k; c++) grad[d * k + c] = bb[c] / n;
      return { value: value / n, grad };
    };
    let result;
    try {
      result = lbfgs(objective, new Float64Array((d + 1) * k), {
        maxIterations: 500,
        gradientTolerance: 1e-5,
      });
    } finally {
      tf.dispose([X, Xt, Y, ...(S ? [S] : [])]);
    }
    const net = network(tf, d, k);
    const weights = [
      tf.tensor2d(Float32Array.from(result.x.subarray(0, d * k)), [d, k]),
      tf.tensor1d(Float32Array.from(result.x.subarray(d * k))),
    ];
    net.setWeights(weights);
    tf.dispose(weights);
    ctx.onProgress?.({ stage: 'fit', done: 1, total: 1 });
    return new SentenceNetworkModel('logreg', classes, encoder, net, tf, {
      iterations: result.iterations,
      backend: tf.getBackend(),
    });
  },

  load: (dir, saved, ctx) => loadSentenceNetwork('logreg', dir, saved, ctx),
});
