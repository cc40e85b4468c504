// Package admin is the issuer's administration interface: clients, users,
// signing keys and users' grants, as the `issuer client|user|keys|grants`
// commands use them.
//
// # Backends
//
// [Backend] is the set of admin operations. [Local] performs them directly on
// an open store; [Remote] sends them over a unix socket to a [Server], which
// performs them with its own Local. Both give the same results and the same
// errors (errors.Is works with the store's sentinels across the socket), so
// the CLI behaves the same whether or not `issuer serve` holds the database.
//
// # Socket
//
// The socket lives beside the database ([SocketPath]: "<db>.sock"), is
// created with mode 0600 (only the issuer's user may connect), and is never
// exposed on the public port. [Listen] refuses to replace a file that is not
// a socket or a socket another server still answers on, and replaces a stale
// one atomically.
//
// # Protocol
//
// One JSON request per connection, one JSON response, then the server closes
// the connection. A response is sent only after the operation's store
// transaction has committed, so an acknowledged write survives a crash.
package admin
