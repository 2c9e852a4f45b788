import { cpus, loadavg } from 'node:os';

/**
 * Lets the PyTorch reference's OpenMP threads sleep while they wait (`OMP_WAIT_POLICY=PASSIVE`,
 * inherited by the reference process) when the machine is busier than its cores, unless the caller
 * set a policy. Spinning threads then compete with the other processes: a shapes-student-pretrained
 * step took 7.8 s against 1.7 s passive (load 8.6 on 2 cores), a ratio that would flatter kd. On a
 * quiet machine the default (spinning, fastest) stays. Returns the policy in words, for the header.
 */
export function referenceWaitPolicy(load = loadavg()[0]!, cores = cpus().length): string {
  if (load > cores && process.env.OMP_WAIT_POLICY === undefined)
    process.env.OMP_WAIT_POLICY = 'PASSIVE';
  const policy = process.env.OMP_WAIT_POLICY;
  return policy === undefined
    ? 'OpenMP default wait (spinning)'
    : `OMP_WAIT_POLICY=${policy}${load > cores ? ` (load ${load.toFixed(1)} > ${cores} cores)` : ''}`;
}
