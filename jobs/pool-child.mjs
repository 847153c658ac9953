// A process of the embedded proving pool: registers tsx, then proves each job the parent sends.
import { register } from "tsx/esm/api";

register();
const { processJob, failureOf } = await import("./processor.ts");
process.on("message", async (msg) => {
  process.send({ started: msg.id });
  try {
    const result = await processJob(msg.job);
    process.send({ id: msg.id, ok: true, result });
  } catch (err) {
    process.send({ id: msg.id, ok: false, ...failureOf(err) });
  }
});
process.on("disconnect", () => process.exit(0));
process.send({ ready: true });
