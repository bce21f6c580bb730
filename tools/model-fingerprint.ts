/**
 * `npm run model:fingerprint -- models/<id> …`: records in each model's card.json what its tfjs
 * weights draw on the fixed probe batch (src/gan/model-check.ts), so that the bot can check its
 * model.onnx against it at load without loading TensorFlow.js. Weights that draw NaN or a flat
 * picture are refused (exit 1); nothing else in the card changes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chooseBackend } from '../src/gan/backend.ts';
import { GeneratorEngine } from '../src/gan/generator-engine.ts';
import { fingerprintOf, outputProblem, PROBE_ROWS, PROBE_VERSION, probeInput } from '../src/gan/model-check.ts';

const dirs = process.argv.slice(2);
if (dirs.length === 0 || dirs.some((d) => d.startsWith('-'))) {
  process.stderr.write('usage: npm run model:fingerprint -- models/<id> [models/<id> …]\n');
  process.exit(2);
}
try {
  const backend = await chooseBackend('auto');
  for (const dir of dirs) {
    const engine = await GeneratorEngine.createOn(backend, { modelDirs: [dir], warmUp: false });
    try {
      const m = [...engine.models.values()][0]!;
      const values = await engine.forward(m.id, probeInput(m.zDim, m.numTags), PROBE_ROWS);
      const problem = outputProblem(values, PROBE_ROWS, m.imageSize);
      if (problem) throw new Error(`${dir}: the tfjs weights cannot draw: ${problem}`);
      const cardFile = path.join(dir, 'card.json');
      const text = await readFile(cardFile, 'utf8');
      const card = JSON.parse(text) as Record<string, unknown>;
      const probe = { version: PROBE_VERSION, fingerprint: fingerprintOf(values, PROBE_ROWS, m.imageSize) };
      // Appended as text when new, so that the rest of the card (export.py's formatting) stays byte for byte.
      const closing = text.lastIndexOf('}');
      const updated =
        card['probe'] === undefined && closing > 0
          ? `${text.slice(0, closing).trimEnd()},\n "probe": ${JSON.stringify(probe)}\n}\n`
          : `${JSON.stringify({ ...card, probe }, null, 1)}\n`;
      JSON.parse(updated); // still JSON
      await writeFile(cardFile, updated);
      process.stdout.write(`${cardFile}: probe fingerprint recorded (${backend.name})\n`);
    } finally {
      engine.dispose();
    }
  }
} catch (e) {
  process.stderr.write(`model:fingerprint: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}\n`);
  process.exit(1);
}
