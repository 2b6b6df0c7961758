// Answers every request with what the echo workload says, reached through its internal URL.
const http = require('http');

process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

const server = http.createServer(async (req, res) => {
  console.log(`request received: ${req.method} ${req.url}`);
  try {
    const echo = await fetch(process.env.ECHO_URL);
    res.end(await echo.text());
  } catch (error) {
    res.statusCode = 502;
    res.end(`cannot reach ${process.env.ECHO_URL}: ${error}`);
  }
});

console.log('listening on port 3000');
server.listen(3000);
