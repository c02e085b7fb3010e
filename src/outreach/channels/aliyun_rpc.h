// Aliyun's RPC (POP) request signature, version 1.0, as Aliyun documents it
// for SendSms ("HTTP 协议及签名") and its other RPC APIs: the parameters
// (common ones and the API's, without Signature) sorted by name, each name
// and value percent-encoded per RFC 3986 (unreserved characters kept, space
// as %20), joined as `k=v` with `&` (the canonicalized query string);
//   StringToSign = METHOD + "&" + percentEncode("/") + "&" + percentEncode(canonicalized)
//   Signature    = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))
// Checked against Aliyun's published examples (tests/outreach/aliyun_rpc_test.cc).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace tagloop::outreach {

// The canonicalized query string of `params` (std::map: sorted by name, byte order).
std::string AliyunCanonicalQuery(const std::map<std::string, std::string>& params);

// The Signature value of a request with `params` sent with `method`
// ("GET" or "POST"); `params` must not hold Signature.
std::string AliyunRpcSignature(std::string_view method, const std::map<std::string, std::string>& params,
                               std::string_view access_key_secret);

// The signed request's parameters as a query string / form body: the
// canonicalized query string followed by `&Signature=<encoded>`.
std::string AliyunSignedQuery(std::string_view method, const std::map<std::string, std::string>& params,
                              std::string_view access_key_secret);

}  // namespace tagloop::outreach
