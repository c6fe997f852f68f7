// A steady background of GET requests with autocannon (pinned in devDependencies), run by
// bench/flash-crowd.ts as a Node child process: `node bench/background-reads.mjs <url> <connections>`.
// It reads until its standard input closes (or 5 minutes pass), then prints autocannon's result as JSON.
import autocannon from 'autocannon';

const [url, connections = '8'] = process.argv.slice(2);
if (!url) {
  console.error('usage: node bench/background-reads.mjs <url> [connections]');
  process.exit(2);
}
const instance = autocannon({ url, connections: Number(connections), duration: 300 }, (err, result) => {
  if (err) {
    console.error(String(err));
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
});
process.stdin.on('end', () => instance.stop());
process.stdin.resume();
