/**
 * What a model gets wrong, from a comparison's runs at its largest size: each method's
 * precision, recall and F1 per class, and for one method (the recommended one) the confusion
 * matrix and the mistakes it made most confidently.
 */
import { answersAt, truthOf, type Measured } from './findings.js';
import { evaluate, mean, type ClassMetrics } from './metrics.js';

/** A method's scores per class at the largest size, the mean over its runs there. */
export interface MethodClasses {
  method: string;
  size: number;
  classes: ClassMetrics[];
}

/** What one method answered against the truth: confusion[true][answered], in data.classes' order. */
export interface Confusion {
  method: string;
  size: number;
  /** The run (1 of `runs` at that size) whose answers are counted and whose mistakes are listed. */
  run: number;
  runs: number;
  matrix: number[][];
}

/** A test text answered wrongly, with the probability the model gave its answer. */
export interface Mistake {
  text: string;
  label: string;
  predicted: string;
  probability: number;
}

/** Mistakes listed per true class. */
export const MISTAKES_PER_CLASS = 10;

/** Every method's precision, recall and F1 per class at the largest size. */
export function perClassOf(r: Measured): MethodClasses[] {
  const last = r.curves[0].points.length - 1;
  const truth = Array.from(truthOf(r));
  return r.curves.map((c) => {
    const runs = answersAt(r, c, last).map(
      (p) => evaluate(truth, Array.from(p), r.data.classes).perClass,
    );
    return {
      method: c.method,
      size: c.points[last].size,
      classes: runs[0].map((m, k) => ({
        label: m.label,
        precision: mean(runs.map((x) => x[k].precision)),
        recall: mean(runs.map((x) => x[k].recall)),
        f1: mean(runs.map((x) => x[k].f1)),
        support: m.support,
      })),
    };
  });
}

/** The confusion matrix of a method's first run at the largest size. */
export function confusionOf(r: Measured, method: string): Confusion {
  const last = r.curves[0].points.length - 1;
  const curve = r.curves.find((c) => c.method === method)!;
  const answers = answersAt(r, curve, last);
  return {
    method,
    size: curve.points[last].size,
    run: 1,
    runs: answers.length,
    matrix: evaluate(Array.from(truthOf(r)), Array.from(answers[0]), r.data.classes).confusion,
  };
}

/**
 * The texts a model answered wrongly with the most confidence: for each true class (in the
 * order of `classes`), up to `perClass` of them, the highest probability of the wrong answer
 * first. `answers` are the run's own (as its confusion matrix counts them: a decision
 * threshold may answer other than the most probable class); `probabilities` is n x C, row i
 * for text i.
 */
export function confidentMistakes(
  texts: readonly string[],
  truth: ArrayLike<number>,
  answers: ArrayLike<number>,
  probabilities: Float32Array,
  classes: readonly string[],
  perClass = MISTAKES_PER_CLASS,
): Mistake[] {
  const k = classes.length;
  const wrong = classes.map(() => [] as { i: number; answer: number; p: number }[]);
  for (let i = 0; i < texts.length; i++) {
    const answer = answers[i];
    if (answer !== truth[i]) wrong[truth[i]].push({ i, answer, p: probabilities[i * k + answer] });
  }
  return wrong.flatMap((list) =>
    list
      // The first text among equals first, so the list does not depend on the sort's order.
      .sort((a, b) => b.p - a.p || a.i - b.i)
      .slice(0, perClass)
      .map(({ i, answer, p }) => ({
        text: texts[i],
        label: classes[truth[i]],
        predicted: classes[answer],
        probability: Math.round(p * 1e4) / 1e4,
      })),
  );
}
