// The C++ side of tests/sigv4/botocore_oracle.py: `sigv4_driver CREDENTIALS_FILE` reads one JSON
// request per line on stdin and answers one JSON line per request with what sigv4::verify()
// decided:
//   in:  {"now": "YYYYMMDDTHHMMSSZ", "method": ..., "path": ..., "query": ...,
//         "headers": [[name, value], ...], "body_hex": ...}
//   out: {"ok": true, "access_key_id": ..., "account": ..., "region": ...}
//        {"ok": false, "type": ..., "message": ..., "status": ...}
// A credentials file that cannot be parsed is reported on stderr, exit status 2. Nothing this
// program prints can contain a secret key: it prints only what verify() and parse() return.
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <secretstage/sigv4.hpp>

namespace sv = secretstage::sigv4;

namespace {

std::string from_hex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out +=
        static_cast<char>(sv::detail::hex_value(hex[i]) * 16 + sv::detail::hex_value(hex[i + 1]));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: sigv4_driver CREDENTIALS_FILE < requests.jsonl\n";
    return 64;
  }
  std::ifstream file(argv[1], std::ios::binary);
  if (!file) {
    std::cerr << "sigv4_driver: cannot read " << argv[1] << "\n";
    return 66;
  }
  std::stringstream text;
  text << file.rdbuf();
  auto parsed = sv::credentials::parse(text.str());
  if (parsed.has_error()) {
    std::cerr << "sigv4_driver: " << parsed.error().message << "\n";
    return 2;
  }
  const sv::credentials keys = std::move(parsed).value();

  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    const nlohmann::json in = nlohmann::json::parse(line);
    const auto now = sv::parse_amz_date(in.at("now").get<std::string>());
    if (!now) {
      std::cerr << "sigv4_driver: bad \"now\"\n";
      return 65;
    }
    const auto method = in.at("method").get<std::string>();
    const auto path = in.at("path").get<std::string>();
    const auto query = in.at("query").get<std::string>();
    const auto body = from_hex(in.at("body_hex").get<std::string>());
    std::vector<std::pair<std::string, std::string>> owned;
    for (const auto& h : in.at("headers")) {
      owned.emplace_back(h.at(0).get<std::string>(), h.at(1).get<std::string>());
    }
    std::vector<sv::header> headers;
    for (const auto& [name, value] : owned) headers.push_back({name, value});

    const auto result = sv::verify({method, path, query, headers, body}, keys,
                                   std::chrono::system_clock::time_point{now->time_since_epoch()});
    nlohmann::json out;
    if (result.has_value()) {
      out = {{"ok", true},
             {"access_key_id", result.value().access_key_id},
             {"account", result.value().account_id},
             {"region", result.value().region}};
    } else {
      out = {{"ok", false},
             {"type", std::string(result.error().name())},
             {"message", result.error().message},
             {"status", result.error().status()}};
    }
    std::cout << out.dump() << "\n" << std::flush;
  }
  return 0;
}
