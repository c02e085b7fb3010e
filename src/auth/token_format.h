// API token secrets: how they look, how they are made and hashed.
//
// A secret is "tl_" followed by 43 characters of unpadded URL-safe base64
// (A-Z a-z 0-9 - _) encoding 32 bytes from OpenSSL's RAND_bytes: 46
// characters, 256 bits of entropy. The prefix lets people and secret scanners
// recognise a leaked token.
//
// Only SHA-256(secret) is stored. A plain (unsalted, fast) hash is right here
// because the secret is random with 256 bits of entropy, not a password:
// there is nothing to guess, so nothing for a slow hash to slow down, and
// authentication stays in the microseconds.
//
// Thread-safety: every function may be called concurrently.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace tagloop {

inline constexpr std::string_view kTokenPrefix = "tl_";
inline constexpr size_t kTokenSecretBytes = 32;
inline constexpr size_t kTokenLength = 46;  // prefix + 43 base64url characters

using TokenHash = std::array<uint8_t, 32>;

// A fresh secret. Internal error when the random generator fails (never
// falls back to a weaker source).
[[nodiscard]] Result<std::string> GenerateTokenSecret();

// True when `s` has the exact shape of a secret (prefix, length, alphabet).
// Cheap; says nothing about whether the token exists.
bool IsWellFormedTokenSecret(std::string_view s);

// SHA-256 of `secret` (of any bytes). Internal error only if OpenSSL fails.
// About 0.3-1 us: the digest is fetched once and each thread reuses its context.
[[nodiscard]] Result<TokenHash> HashTokenSecret(std::string_view secret);

// Compares in time independent of where the hashes differ (CRYPTO_memcmp).
bool TokenHashEquals(const TokenHash& a, const TokenHash& b);

// The credential in an HTTP `Authorization` header value: "Bearer <token>"
// (scheme case-insensitive, then spaces). Unauthenticated when the value is
// empty, uses another scheme or has no token; the message never repeats the
// header. Does not check the token's shape (Authenticate does).
[[nodiscard]] Result<std::string_view> ParseBearerHeader(std::string_view header);

// Replaces every secret-shaped word in `text` ("tl_" + exactly 43 base64url
// characters, not part of a longer run) by "tl_[redacted]". Returns true when
// it replaced something. Defence in depth for text headed to logs and the
// audit log.
bool RedactTokenSecrets(std::string& text);

}  // namespace tagloop
