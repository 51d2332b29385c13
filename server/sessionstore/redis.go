package sessionstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisKeyPrefix is put before a session id to make its Redis key.
const RedisKeyPrefix = "formtest:session:"

// redisTimeout bounds dialing, reading and writing, so that a request
// against a Redis that is down fails in seconds rather than hanging.
const redisTimeout = 2 * time.Second

// Redis is a Backend that keeps each session as a Redis string under the key
// RedisKeyPrefix+id, with the session's expiry as the key's expiry, so Redis
// deletes expired sessions itself.
//
// The client reconnects on its own: while Redis is down every call fails
// with an *UnavailableError, and calls succeed again once it is back.
// Redis is safe for concurrent use.
type Redis struct {
	client *redis.Client
	where  string // "HOST:PORT/DB"
}

var _ Backend = (*Redis)(nil)

// OpenRedis connects to the Redis server at url, of the form
// redis://[[USER]:PASSWORD@]HOST:PORT/DB (or rediss:// for TLS), and pings
// it. A server that does not answer is an *UnavailableError with Op "open".
// Dial, read and write timeouts default to 2 seconds and dial and command
// retries to 1; the URL's query (dial_timeout=, read_timeout=,
// max_retries=, ...) can override them.
func OpenRedis(ctx context.Context, url string) (*Redis, error) {
	opts, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("sessionstore: open redis: %w", redactURLError(err))
	}
	if opts.DialTimeout == 0 {
		opts.DialTimeout = redisTimeout
	}
	if opts.ReadTimeout == 0 {
		opts.ReadTimeout = redisTimeout
	}
	if opts.WriteTimeout == 0 {
		opts.WriteTimeout = redisTimeout
	}
	// go-redis by default dials 5 times per connection and retries each
	// command 3 times, so a refused connection takes seconds to report.
	// One retry of each is enough to ride over a dropped connection.
	if opts.DialerRetries == 0 {
		opts.DialerRetries = 1
	}
	if opts.MaxRetries == 0 {
		opts.MaxRetries = 1
	}
	r := &Redis{
		client: redis.NewClient(opts),
		where:  opts.Addr + "/" + strconv.Itoa(opts.DB),
	}
	if err := r.client.Ping(ctx).Err(); err != nil {
		r.client.Close()
		return nil, &UnavailableError{Kind: "redis", Op: "open", Fault: redisFault(ctx, err), Err: fmt.Errorf("%s: %w", r.where, err)}
	}
	return r, nil
}

// redactURLError drops the URL, which may hold a password, from a
// url.Parse error.
func redactURLError(err error) error {
	if ue, ok := errors.AsType[*url.Error](err); ok {
		return fmt.Errorf("invalid URL: %w", ue.Err)
	}
	return err
}

// Kind returns "redis".
func (r *Redis) Kind() string { return "redis" }

func redisKey(id string) string { return RedisKeyPrefix + id }

// Load returns the data saved under id.
func (r *Redis) Load(ctx context.Context, id string) ([]byte, bool, error) {
	data, err := r.client.Get(ctx, redisKey(id)).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, r.unavailable(ctx, "load", err)
	}
	return data, true, nil
}

// Save stores data under id with SET ... PXAT expires. An expiry that has
// already passed deletes the key instead, as Redis would at once.
func (r *Redis) Save(ctx context.Context, id string, data []byte, expires time.Time) error {
	ms := expires.UnixMilli()
	if ms <= time.Now().UnixMilli() {
		if err := r.client.Del(ctx, redisKey(id)).Err(); err != nil {
			return r.unavailable(ctx, "save", err)
		}
		return nil
	}
	if err := r.client.Do(ctx, "SET", redisKey(id), data, "PXAT", ms).Err(); err != nil {
		return r.unavailable(ctx, "save", err)
	}
	return nil
}

// Delete removes the key for id, if there is one.
func (r *Redis) Delete(ctx context.Context, id string) error {
	if err := r.client.Del(ctx, redisKey(id)).Err(); err != nil {
		return r.unavailable(ctx, "delete", err)
	}
	return nil
}

// Row returns the key for id with its value and expiry, read with GET and
// PEXPIRETIME (or PTTL on servers older than Redis 7).
func (r *Redis) Row(ctx context.Context, id string) (Row, bool, error) {
	key := redisKey(id)
	var (
		get *redis.StringCmd
		pet *redis.DurationCmd
	)
	// Each command's own error is checked below.
	_, _ = r.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		get = p.Get(ctx, key)
		pet = p.PExpireTime(ctx, key)
		return nil
	})
	if errors.Is(get.Err(), redis.Nil) {
		return Row{}, false, nil
	}
	if get.Err() != nil {
		return Row{}, false, r.unavailable(ctx, "row", get.Err())
	}
	data, _ := get.Bytes()
	var expires time.Time
	switch {
	case pet.Err() == nil:
		// PEXPIRETIME answers the expiry in unix milliseconds, -1 for none.
		if ms := pet.Val().Milliseconds(); ms > 0 {
			expires = time.UnixMilli(ms)
		}
	case strings.Contains(strings.ToLower(pet.Err().Error()), "unknown command"):
		ttl, err := r.client.PTTL(ctx, key).Result()
		if err != nil {
			return Row{}, false, r.unavailable(ctx, "row", err)
		}
		if ttl > 0 {
			expires = time.Now().Add(ttl)
		}
	default:
		return Row{}, false, r.unavailable(ctx, "row", pet.Err())
	}
	return Row{
		Where:   "redis key " + key + " at " + r.where,
		ID:      id,
		Data:    data,
		Expires: expires,
	}, true, nil
}

// Close closes the client's connections.
func (r *Redis) Close() error {
	if err := r.client.Close(); err != nil && !errors.Is(err, redis.ErrClosed) {
		return fmt.Errorf("sessionstore: close redis %s: %w", r.where, err)
	}
	return nil
}

func (r *Redis) unavailable(ctx context.Context, op string, err error) error {
	return &UnavailableError{Kind: "redis", Op: op, Fault: redisFault(ctx, err), Err: err}
}

// redisFault places an error from go-redis in its class: the server's
// typed replies (READONLY, OOM, NOAUTH, LOADING, ...) by go-redis's own
// checks, anything else (refused, reset, timed out, closed) as down.
func redisFault(ctx context.Context, err error) Fault {
	switch {
	case canceled(ctx, err):
		return FaultCanceled
	case redis.IsReadOnlyError(err):
		return FaultReadOnly
	case redis.IsOOMError(err):
		return FaultFull
	case redis.IsAuthError(err), redis.IsPermissionError(err):
		return FaultAuth
	case redis.IsLoadingError(err), redis.IsTryAgainError(err), redis.IsMasterDownError(err),
		redis.IsClusterDownError(err), redis.IsMaxClientsError(err):
		return FaultBusy
	}
	if _, isReply := errors.AsType[redis.Error](err); isReply {
		// Another error reply (MISCONF, WRONGTYPE, ...): the server
		// answered, and will answer the same way again.
		return FaultRefused
	}
	return FaultDown
}
