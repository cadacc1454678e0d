/** Labelled texts, labels as class ids into `classes` (strings, in first-seen order). */
export interface Dataset {
  texts: string[];
  labels: number[];
  classes: string[];
  /** Where it came from, for messages and reports. */
  source: string;
}

/** Builds a Dataset from string labels, numbering classes in order of first appearance. */
export function fromLabelled(texts: string[], labelNames: string[], source: string): Dataset {
  const ids = new Map<string, number>();
  const labels = labelNames.map((l) => {
    let id = ids.get(l);
    if (id === undefined) ids.set(l, (id = ids.size));
    return id;
  });
  return { texts, labels, classes: [...ids.keys()], source };
}

/** The examples at `indices`. */
export function subset(data: Dataset, indices: readonly number[]): Dataset {
  return {
    texts: indices.map((i) => data.texts[i]),
    labels: indices.map((i) => data.labels[i]),
    classes: data.classes,
    source: data.source,
  };
}
