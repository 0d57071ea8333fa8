#include "tessera/serving/http_message.h"

#include "tessera/serving/json_writer.h"

namespace tessera::serving {

std::string ErrorBody(const ApiError& error) {
  std::string body;
  JsonWriter w(&body);
  w.StartObject();
  w.Key("error");
  w.String(error.reason);
  if (!error.field.empty()) {
    w.Key("field");
    w.String(error.field);
  }
  w.EndObject();
  return body;
}

HttpResponse ErrorResponse(const ApiError& error) {
  HttpResponse response;
  response.status = error.http_status;
  response.body = ErrorBody(error);
  return response;
}

}  // namespace tessera::serving
