#ifndef SECRETSTAGE_DESCRIBE_HPP
#define SECRETSTAGE_DESCRIBE_HPP

// What each request is, declared once beside its struct (in the spirit of lager's LAGER_STRUCT):
// its AWS operation name, whether it changes the store, whether it acts on one resolved secret,
// its response type, and its members in the service model's order, each with its AWS name, the
// C++ member, its wire shape and whether it is required or secret. Everything else is derived
// from these declarations: operation_name, the variants of store_operation.hpp and their
// dispatch, the store overload of apply, the mutating flag, aws_json.hpp's reading, and io.hpp's
// printing. Adding a member is one line and one word of `names`; adding an operation is one
// description, one entry in store_operation.hpp's list, and its transition.
//
//   template <class Traits>
//   struct description_of<basic_restore_secret<Traits>> {
//     using type = basic_restore_secret<Traits>;
//     using response = basic_restore_secret_response<Traits>;
//     static constexpr char operation[] = "RestoreSecret";
//     static constexpr bool mutates = true, one_secret = true;
//     static constexpr char names[] = "SecretId";
//     using members = type_list<member<&type::secret_id, wire_shape::string, required>>;
//   };
//
// Kept cheap to parse, because every TU that includes the umbrella header parses every
// description while few read one: no <tuple>, <variant> or <algorithm>; a description is types,
// read by fold expressions; and the AWS names are one string per description, split only where
// a description is used (members_of), since a string literal as a class-type template argument
// costs about five times a member's pointer and shape (about 0.35M instructions of cc1plus each).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

namespace secretstage {

/// A list of types (a description's members, store_operation.hpp's requests).
template <class... T>
struct type_list {
  static constexpr std::size_t size = sizeof...(T);
};

/// How a member travels on the wire: the model's simple shapes, and the special shapes that
/// aws_json.hpp reads with a codec of their own.
enum class wire_shape : std::uint8_t {
  string,
  boolean,
  integer,       ///< a 32-bit Integer
  long_integer,  ///< a 64-bit Long
  blob,          ///< base64 on the wire
  string_list,
  tag_list,           ///< [{"Key", "Value"}]
  filter_list,        ///< [{"Key", "Values"}]
  rotation_rules,     ///< RotationRulesType
  sort_order,         ///< "asc" | "desc"
  sort_by,            ///< ListSecrets SortBy, checked and ignored
  replica_regions,    ///< AddReplicaRegions: [{"Region", "KmsKeyId"}]
  rotation_metadata,  ///< RotateSecret ExternalSecretRotationMetadata, checked and ignored
  date,               ///< a timestamp, epoch seconds on the wire
  secret_value,       ///< a response's value: SecretString or SecretBinary, whichever it holds
  structure_list,     ///< a list of described structures
  stages_map,         ///< {"<VersionId>": ["<label>", …]}
  exception_name,     ///< an errc as its AWS exception name
};

/// A member's properties, or-ed together.
enum member_flag : unsigned {
  optional_member = 0,
  required = 1,  ///< absent (or null) on the wire is a ValidationException
  redacted = 2,  ///< a secret: printed as its size, never its value
  quoted = 4,    ///< free text, printed in double quotes
  listing = 8,   ///< a response's top-level list, written even when empty
  unless_empty = 16,  ///< a list printed only when it has entries
  printed_last = 32,  ///< printed after the other members (the wire keeps the description's order)
};

/// One member of a request or a response: the C++ member it is read into (nullptr for a real AWS
/// member the model type-checks and ignores), its shape, and its flags. Its AWS name is the word
/// at its place in the description's `names`.
template <auto Pointer, wire_shape Shape, unsigned Flags = optional_member>
struct member {
  static constexpr auto pointer = Pointer;
  static constexpr wire_shape shape = Shape;
  static constexpr unsigned flags = Flags;
  static constexpr bool is_required = (Flags & required) != 0;
  static constexpr bool is_redacted = (Flags & redacted) != 0;
  static constexpr bool is_quoted = (Flags & quoted) != 0;
  static constexpr bool is_listing = (Flags & listing) != 0;
  static constexpr bool is_ignored = std::is_same_v<decltype(Pointer), std::nullptr_t>;
};

template <class... Lists>
struct concat;
template <class... T>
struct concat<type_list<T...>> {
  using type = type_list<T...>;
};
template <class... T, class... U, class... Rest>
struct concat<type_list<T...>, type_list<U...>, Rest...> : concat<type_list<T..., U...>, Rest...> {
};
/// The members of several lists, in order.
template <class... Lists>
using concat_t = typename concat<Lists...>::type;

/// The description of a request, a response or a structure in one; specialized beside each.
/// A response has `members`, and `has_output = false` when its body is empty (no_output). A
/// structure listed in a response may spell how io.hpp prints it, `printed` (see
/// detail::formatted there); without it, it prints as `{Member=value, …}`.
template <class T>
struct description_of {};

/// What a request's description says besides its members, or-ed together.
enum operation_flag : unsigned {
  read_only = 0,
  changes_store = 1,  ///< a success changes the store (LastAccessedDate alone does not count)
  on_one_secret = 2,  ///< resolves SecretId to one secret and puts its new state back
};

/// The base of a request's description: its flags and its response type. The description
/// itself declares its AWS operation name, `static constexpr char operation[]`.
template <unsigned Flags, class Response>
struct request_description {
  static constexpr bool mutates = (Flags & changes_store) != 0;
  static constexpr bool one_secret = (Flags & on_one_secret) != 0;
  using response = Response;
};

/// The members of a response that starts with the secret's ARN and Name, then `More`; its
/// `names` start with "ARN Name".
template <class T, class... More>
using secret_reference =
    type_list<member<&T::arn, wire_shape::string>, member<&T::name, wire_shape::string>, More...>;

/// The description of a response without output: its body is empty.
struct no_output {
  static constexpr bool has_output = false;
  static constexpr char names[] = "";
  using members = type_list<>;
};

/// A type with a description.
template <class T>
concept described = requires {
  description_of<T>::operation;
};

/// A type with members described (a request, a response, a structure in one).
template <class T>
concept described_members = requires {
  typename description_of<T>::members;
};

/// A request that resolves one secret of the store and puts its new state back.
template <class Request>
concept acts_on_one_secret = described<Request> && description_of<Request>::one_secret;

namespace detail {
template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;
}  // namespace detail

namespace detail {
/// The `i`th of the space-separated words of `names`. Indexes rather than calling
/// `string_view::find`: under g++ 12 with -fsanitize=undefined, find's null check on a pointer
/// into a static member array is not a constant expression.
constexpr std::string_view nth_name(std::string_view names, std::size_t i) noexcept {
  std::size_t begin = 0;
  for (std::size_t k = 0; k < names.size() && i > 0; ++k) {
    if (names[k] == ' ') {
      --i;
      begin = k + 1;
    }
  }
  std::size_t end = begin;
  while (end < names.size() && names[end] != ' ') ++end;
  return names.substr(begin, end - begin);
}
constexpr std::size_t name_count(std::string_view names) noexcept {
  std::size_t n = names.empty() ? 0 : 1;
  for (const char c : names) n += c == ' ' ? 1 : 0;
  return n;
}

/// A member with its AWS name, taken from its description's `names`.
template <class Description, std::size_t I, class Member>
struct named_member : Member {
  static constexpr std::string_view name = nth_name(Description::names, I);
};

template <class Description, class Members, class Indices>
struct name_members;
template <class Description, class... Member, std::size_t... I>
struct name_members<Description, type_list<Member...>, std::index_sequence<I...>> {
  static_assert(name_count(Description::names) == sizeof...(Member),
                "a description needs one name per member");
  using type = type_list<named_member<Description, I, Member>...>;
};
}  // namespace detail

/// The members of the type `T` describes, each with its AWS name (`Member::name`).
template <class T>
using members_of =
    typename detail::name_members<description_of<T>, typename description_of<T>::members,
                                  std::make_index_sequence<description_of<T>::members::size>>::type;

/// The AWS name of an operation ("PutSecretValue", …).
template <described Request>
[[nodiscard]] constexpr std::string_view operation_name(const Request&) noexcept {
  return description_of<Request>::operation;
}

}  // namespace secretstage

#endif  // SECRETSTAGE_DESCRIBE_HPP
