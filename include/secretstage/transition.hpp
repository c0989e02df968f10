#ifndef SECRETSTAGE_TRANSITION_HPP
#define SECRETSTAGE_TRANSITION_HPP

namespace secretstage {

/// What a successful transition returns: the next state and AWS's response to the request.
template <class State, class Response>
struct transition {
  State state;
  Response response;
};

}  // namespace secretstage

#endif  // SECRETSTAGE_TRANSITION_HPP
