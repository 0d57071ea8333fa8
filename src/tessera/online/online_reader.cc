#include "tessera/online/online_reader.h"

#include <charconv>
#include <limits>
#include <unordered_map>

#include "tessera/agg/window_state.h"
#include "tessera/core/builder.h"
#include "tessera/core/entity_key.h"
#include "tessera/core/saturating.h"
#include "tessera/core/suggest.h"
#include "tessera/offline/view_features.h"

namespace tessera::online {
namespace {

// A join key's values for every entity row, in the entity's type.
struct KeyColumn {
  const PlannedKey* key = nullptr;
  std::vector<int64_t> ints;           // int32/int64 keys
  std::vector<std::string_view> text;  // string/bytes keys (into the entity column)
  ArrayPtr output;                     // the key as the response shows it
};

std::string Place(const std::string& column, int64_t row) {
  return "entities." + column + "[" + std::to_string(row) + "]";
}

std::string ColumnList(const RecordBatch& entities) {
  std::string out;
  for (const Field& f : entities.schema()->fields()) out += (out.empty() ? "" : ", ") + f.name;
  return out.empty() ? "none" : out;
}

Status Missing(const RecordBatch& entities, const std::string& what, const std::string& name,
               const std::string& why) {
  std::vector<std::string> names;
  for (const Field& f : entities.schema()->fields()) names.push_back(f.name);
  return Status::Invalid("missing " + what + " " + Quoted(name) + " (" + why + ")" +
                         DidYouMean(name, names) + "; the entities have: " + ColumnList(entities));
}

// A decimal integer with nothing around it, within [lo, hi].
bool ParseInt(std::string_view text, int64_t lo, int64_t hi, int64_t* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && !text.empty() && *out >= lo && *out <= hi;
}

std::string Escaped(std::string_view text) {
  std::string out;
  for (unsigned char c : text.substr(0, 64)) {
    if (c < 0x20 || c >= 0x7f || c == '\'' || c == '\\') {
      static const char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return text.size() > 64 ? out + "..." : out;
}

Status IntKey(const Array& in, const PlannedKey& key, KeyColumn* out) {
  const bool narrow = key.type.id() == TypeId::kInt32;
  const int64_t lo = narrow ? std::numeric_limits<int32_t>::min() : INT64_MIN;
  const int64_t hi = narrow ? std::numeric_limits<int32_t>::max() : INT64_MAX;
  const TypeId id = in.type().id();
  if (id != TypeId::kInt32 && id != TypeId::kInt64 && id != TypeId::kString) {
    return Status::Invalid("entities." + key.name + " is " + in.type().ToString() + ", but " +
                           key.why + " is " + key.type.ToString());
  }
  out->ints.resize(static_cast<size_t>(in.length()));
  for (int64_t r = 0; r < in.length(); ++r) {
    if (in.IsNull(r)) {
      return Status::Invalid(Place(key.name, r) + ": null, but a " + key.why + " may not be null");
    }
    int64_t v = 0;
    if (id == TypeId::kString) {
      if (!ParseInt(in.GetView(r), lo, hi, &v)) {
        return Status::Invalid(Place(key.name, r) + ": '" + Escaped(in.GetView(r)) +
                               "' is not an " + key.type.ToString() + " (" + key.why + ")");
      }
    } else {
      v = id == TypeId::kInt32 ? in.GetInt32(r) : in.GetInt64(r);
      if (v < lo || v > hi) {
        return Status::Invalid(Place(key.name, r) + ": " + std::to_string(v) +
                               " is outside the range of int32 (" + key.why + ")");
      }
    }
    out->ints[static_cast<size_t>(r)] = v;
  }
  if (in.type() == key.type) return Status::OK();
  std::unique_ptr<ArrayBuilder> b = ArrayBuilder::Make(key.type);
  TS_RETURN_NOT_OK(b->Reserve(in.length()));
  for (int64_t v : out->ints) {
    TS_RETURN_NOT_OK(narrow ? static_cast<Int32Builder*>(b.get())->Append(static_cast<int32_t>(v))
                            : static_cast<Int64Builder*>(b.get())->Append(v));
  }
  TS_ASSIGN_OR_RETURN(out->output, b->Finish());
  return Status::OK();
}

Status TextKey(const Array& in, const PlannedKey& key, KeyColumn* out) {
  if (!in.type().is_binary_like()) {
    return Status::Invalid("entities." + key.name + " is " + in.type().ToString() + ", but " +
                           key.why + " is " + key.type.ToString());
  }
  out->text.resize(static_cast<size_t>(in.length()));
  for (int64_t r = 0; r < in.length(); ++r) {
    if (in.IsNull(r)) {
      return Status::Invalid(Place(key.name, r) + ": null, but a " + key.why + " may not be null");
    }
    out->text[static_cast<size_t>(r)] = in.GetView(r);
  }
  if (in.type() == key.type) return Status::OK();
  BinaryBuilder b(key.type);
  TS_RETURN_NOT_OK(b.Reserve(in.length()));
  for (std::string_view v : out->text) TS_RETURN_NOT_OK(b.Append(v));
  TS_ASSIGN_OR_RETURN(out->output, b.Finish());
  return Status::OK();
}

// Sets *keys to the plan's join keys (a reused vector: its columns' buffers
// are assigned over).
Status CoerceKeys(const ReadPlan& plan, const RecordBatch& entities, std::vector<KeyColumn>* out) {
  std::vector<KeyColumn>& keys = *out;
  keys.resize(plan.keys.size());
  for (size_t k = 0; k < plan.keys.size(); ++k) {
    const PlannedKey& key = plan.keys[k];
    const ArrayPtr column = entities.GetColumnByName(key.name);
    if (column == nullptr) return Missing(entities, "join key", key.name, key.why);
    keys[k].key = &key;
    keys[k].output = column;
    switch (key.type.id()) {
      case TypeId::kInt32:
      case TypeId::kInt64: TS_RETURN_NOT_OK(IntKey(*column, key, &keys[k])); break;
      case TypeId::kString:
      case TypeId::kBytes: TS_RETURN_NOT_OK(TextKey(*column, key, &keys[k])); break;
      default:
        return Status::Invalid(key.why + " " + Quoted(key.name) + " has type " +
                               key.type.ToString() + ", which cannot be a join key");
    }
  }
  return Status::OK();
}

void AppendKey(const KeyColumn& k, int64_t row, EntityKey::Builder* b) {
  const size_t r = static_cast<size_t>(row);
  switch (k.key->type.id()) {
    case TypeId::kString: b->AppendString(k.text[r]); break;
    case TypeId::kBytes: b->AppendBytes(k.text[r]); break;
    default: b->AppendInt(k.ints[r]); break;
  }
}

// One view version's decoded values, per feature (empty when not decoded).
struct ViewValues {
  std::vector<ArrayPtr> values;
  std::vector<std::vector<ValueStatus>> statuses;
  std::vector<int64_t> event_ts;  // per row
};

// A thread's buffers for reads, reused from call to call, so a request of
// a shape the thread has served before allocates none of them (the
// serving hot path: glibc malloc was a quarter of the server's CPU). A
// read of many rows gives its buffers back at the end (kKeepRows).
struct ReadScratch {
  static constexpr int64_t kKeepRows = 4096;
  std::string key_bytes;                       // every lookup's entity key
  std::vector<size_t> ends;                    // per (view, row): where its key ends
  std::vector<OnlineLookup> lookups;           // distinct (view, key)
  std::vector<int> row_lookup;                 // per (view, row), v * n + r: into rows
  std::vector<std::optional<OnlineRow>> rows;  // per lookup
  std::vector<ViewValues> views;               // per plan view
  std::vector<uint8_t> is_null;                // DecodeRow's per-feature flags
  std::vector<KeyColumn> keys;                 // the plan's join keys, coerced
  std::vector<ArrayBuilder*> view_builders;    // per feature of the view decoded
  // Per plan view, per feature: its builder, kept (Finish empties it) so
  // a request does not make and free one per feature.
  std::vector<std::vector<std::unique_ptr<ArrayBuilder>>> builders;
};

class Reader {
 public:
  Reader(const ReadPlan& plan, const RecordBatch& entities, OnlineStore* store, int64_t now,
         ReadScratch* scratch)
      : plan_(plan),
        entities_(entities),
        store_(store),
        now_(now),
        n_(entities.num_rows()),
        key_bytes_(scratch->key_bytes),
        ends_(scratch->ends),
        lookups_(scratch->lookups),
        row_lookup_(scratch->row_lookup),
        rows_(scratch->rows),
        views_(scratch->views),
        is_null_(scratch->is_null),
        keys_(scratch->keys),
        view_builders_(scratch->view_builders),
        builders_(scratch->builders) {}

  Status Run(OnlineValues* out) {
    TS_RETURN_NOT_OK(CoerceKeys(plan_, entities_, &keys_));
    TS_RETURN_NOT_OK(CheckRequestFields());
    TS_RETURN_NOT_OK(Lookup());
    if (views_.size() < plan_.views.size()) views_.resize(plan_.views.size());
    for (size_t v = 0; v < plan_.views.size(); ++v) TS_RETURN_NOT_OK(Decode(v));
    TS_RETURN_NOT_OK(ComputeOnDemand());
    Assemble(out);
    return Status::OK();
  }

 private:
  Status CheckRequestFields() {
    for (size_t i = 0; i < plan_.request_fields.size(); ++i) {
      const Field& f = plan_.request_fields[i];
      ArrayPtr column = entities_.GetColumnByName(f.name);
      if (column == nullptr) {
        return Missing(entities_, "request field", f.name, plan_.request_field_why[i]);
      }
      expr::EvalStats stats;  // a value that does not cast is null, as in `historical`
      TS_ASSIGN_OR_RETURN(column, offline::CastArray(column, f.type, &stats));
      request_values_.push_back(std::move(column));
    }
    return Status::OK();
  }

  // Every (view version, distinct key) once, in one store read. The keys
  // are encoded into one buffer first (views into it are taken once it has
  // stopped growing), so a batch costs no allocation per key for them.
  Status Lookup() {
    const size_t n = static_cast<size_t>(n_);
    key_bytes_.clear();
    ends_.clear();
    EntityKey::Builder builder;
    for (size_t v = 0; v < plan_.views.size(); ++v) {
      for (int64_t r = 0; r < n_; ++r) {
        builder.Reset();
        for (int k : plan_.views[v].keys) AppendKey(keys_[static_cast<size_t>(k)], r, &builder);
        key_bytes_.append(builder.Build().bytes());
        ends_.push_back(key_bytes_.size());
      }
    }
    row_lookup_.resize(plan_.views.size() * n);
    lookups_.clear();
    size_t at = 0;
    for (size_t v = 0; v < plan_.views.size(); ++v) {
      const PlannedView& view = plan_.views[v];
      auto key_at = [&](size_t i) {
        const size_t start = i == 0 ? 0 : ends_[i - 1];
        return std::string_view(key_bytes_.data() + start, ends_[i] - start);
      };
      if (n == 1) {  // one row: nothing to share (no map to build)
        row_lookup_[v] = static_cast<int>(lookups_.size());
        lookups_.push_back(OnlineLookup{&view.id, key_at(at++)});
        continue;
      }
      std::unordered_map<std::string_view, int> seen;
      for (size_t r = 0; r < n; ++r, ++at) {
        std::string_view key = key_at(at);
        auto [it, fresh] = seen.emplace(key, static_cast<int>(lookups_.size()));
        if (fresh) lookups_.push_back(OnlineLookup{&view.id, key});
        row_lookup_[v * n + r] = it->second;
      }
    }
    if (lookups_.empty()) return Status::OK();
    return store_->Read(lookups_, &rows_);
  }

  // The stored row of view v's row r (nullopt: none).
  const std::optional<OnlineRow>& RowOf(size_t v, int64_t r) const {
    return rows_[static_cast<size_t>(
        row_lookup_[v * static_cast<size_t>(n_) + static_cast<size_t>(r)])];
  }

  // Sizes view v's values for n_ rows and readies a builder for each
  // feature the request needs (null for the others): the thread's builder
  // of the last request when it has the type and is empty (a read that
  // failed half-way leaves values in its builders: they are replaced).
  // Readies view v's outputs for n_ rows, and sets view_builders_ to its
  // builders: one per feature, null for a feature the request does not
  // decode (the thread's kept builders, reused from call to call).
  Status StartView(size_t v) {
    const PlannedView& view = plan_.views[v];
    const size_t nf = view.def.features.size();
    if (builders_.size() <= v) builders_.resize(v + 1);
    std::vector<std::unique_ptr<ArrayBuilder>>& kept = builders_[v];
    kept.resize(nf);
    view_builders_.assign(nf, nullptr);
    ViewValues& out = views_[v];
    out.values.assign(nf, nullptr);
    if (out.statuses.size() < nf) out.statuses.resize(nf);
    out.event_ts.assign(static_cast<size_t>(n_), 0);
    for (size_t f = 0; f < nf; ++f) {
      if (!view.decode[f]) continue;
      const DataType type = view.def.features[f].type;
      std::unique_ptr<ArrayBuilder>& b = kept[f];
      if (b == nullptr || !(b->type() == type) || b->length() != 0) b = ArrayBuilder::Make(type);
      TS_RETURN_NOT_OK(b->Reserve(n_));
      out.statuses[f].resize(static_cast<size_t>(n_));
      view_builders_[f] = b.get();
    }
    return Status::OK();
  }

  // View v's values from its builders (StartView's), which Finish empties.
  Status FinishView(size_t v) {
    ViewValues& out = views_[v];
    for (size_t f = 0; f < view_builders_.size(); ++f) {
      if (view_builders_[f] == nullptr) continue;
      TS_ASSIGN_OR_RETURN(out.values[f], view_builders_[f]->Finish());
    }
    return Status::OK();
  }

  // An aggregated view's values: its window state read at now (an absent
  // state reads as the empty window: counts 0, the rest NOT_FOUND).
  Status DecodeWindow(size_t v) {
    const PlannedView& view = plan_.views[v];
    const agg::WindowPlan& window = *view.window;
    const size_t nf = view.def.features.size();
    TS_RETURN_NOT_OK(StartView(v));
    const std::vector<ArrayBuilder*>& builders = view_builders_;
    ViewValues& out = views_[v];
    std::optional<agg::WindowState> empty;  // built only when a key has no state
    std::vector<Value> values;
    for (int64_t r = 0; r < n_; ++r) {
      const std::optional<OnlineRow>& row = RowOf(v, r);
      if (row.has_value()) {
        out.event_ts[static_cast<size_t>(r)] = row->rank.event_ts;
        Status read = agg::WindowState::ReadEncoded(window, row->values, now_, &values);
        if (!read.ok()) {
          return Status::Corruption("window state of feature view " + Quoted(view.id.name) +
                                    " version " + std::to_string(view.id.version) + " for " +
                                    Place(plan_.keys[static_cast<size_t>(view.keys[0])].name, r) +
                                    ": " + read.message());
        }
      } else {
        if (!empty) empty.emplace(&window);
        empty->Read(now_, &values);
      }
      for (size_t f = 0; f < nf; ++f) {
        if (builders[f] == nullptr) continue;
        TS_RETURN_NOT_OK(builders[f]->AppendValue(values[f]));
        out.statuses[f][static_cast<size_t>(r)] = !values[f].is_null() ? ValueStatus::kPresent
                                                  : row.has_value()    ? ValueStatus::kNullValue
                                                                       : ValueStatus::kNotFound;
      }
    }
    return FinishView(v);
  }

  Status Decode(size_t v) {
    const PlannedView& view = plan_.views[v];
    if (view.window != nullptr) return DecodeWindow(v);
    const size_t nf = view.def.features.size();
    TS_RETURN_NOT_OK(StartView(v));
    const std::vector<ArrayBuilder*>& builders = view_builders_;
    ViewValues& out = views_[v];
    const int64_t ttl = view.def.ttl;
    std::vector<uint8_t>& is_null = is_null_;
    for (int64_t r = 0; r < n_; ++r) {
      const std::optional<OnlineRow>& row = RowOf(v, r);
      ValueStatus status = ValueStatus::kNotFound;
      if (row.has_value()) {
        out.event_ts[static_cast<size_t>(r)] = row->rank.event_ts;
        const bool expired = ttl > 0 && row->rank.event_ts <= SaturatingSub(now_, ttl);
        status = expired ? ValueStatus::kOutsideMaxAge : ValueStatus::kPresent;
      }
      if (status == ValueStatus::kPresent) {
        Status decoded = view.codec->DecodeRow(row->values, builders, &is_null);
        if (!decoded.ok()) {
          return Status::Corruption("online row of feature view " + Quoted(view.id.name) +
                                    " version " + std::to_string(view.id.version) + " for " +
                                    Place(plan_.keys[static_cast<size_t>(view.keys[0])].name, r) +
                                    ": " + decoded.message());
        }
      }
      for (size_t f = 0; f < nf; ++f) {
        if (builders[f] == nullptr) continue;
        if (status != ValueStatus::kPresent) {
          TS_RETURN_NOT_OK(builders[f]->AppendNull());
          out.statuses[f][static_cast<size_t>(r)] = status;
        } else {
          out.statuses[f][static_cast<size_t>(r)] =
              is_null[f] ? ValueStatus::kNullValue : ValueStatus::kPresent;
        }
      }
    }
    return FinishView(v);
  }

  Status ComputeOnDemand() {
    for (const PlannedOnDemand& od : plan_.on_demand) {
      std::vector<ArrayPtr> inputs;
      for (const OnDemandInput& in : od.inputs) {
        const size_t i = static_cast<size_t>(in.index);
        switch (in.kind) {
          case OnDemandInput::Kind::kView:
            inputs.push_back(views_[i].values[static_cast<size_t>(in.feature)]);
            break;
          case OnDemandInput::Kind::kOnDemand:
            inputs.push_back(on_demand_[i][static_cast<size_t>(in.feature)]);
            break;
          case OnDemandInput::Kind::kRequest: inputs.push_back(request_values_[i]); break;
          case OnDemandInput::Kind::kUnread: inputs.push_back(nullptr); break;
        }
      }
      expr::EvalStats stats;  // a row whose expression fails is null (NULL_VALUE)
      TS_ASSIGN_OR_RETURN(std::vector<ArrayPtr> values,
                          od.compiled->Compute(std::move(inputs), n_, &stats));
      on_demand_.push_back(std::move(values));
    }
    return Status::OK();
  }

  // Column c's name (assigned over: a reused *out keeps its buffer; a
  // request of the last shape finds it there already) and values.
  static void SetColumn(size_t c, const std::string& name, ArrayPtr values, OnlineValues* out) {
    if (out->names[c] != name) out->names[c].assign(name);
    out->values[c] = std::move(values);
  }

  // The output columns: the join keys, then the features in request order.
  // Every vector of *out is sized and assigned over (never appended to).
  void Assemble(OnlineValues* out) {
    const size_t n = static_cast<size_t>(n_);
    const size_t columns = keys_.size() + plan_.outputs.size();
    out->names.resize(columns);
    out->values.resize(columns);
    out->statuses.resize(columns);
    out->event_timestamps.resize(columns);
    size_t c = 0;
    for (const KeyColumn& k : keys_) {
      SetColumn(c, k.key->name, k.output, out);
      out->statuses[c].assign(n, ValueStatus::kPresent);
      out->event_timestamps[c].assign(n, 0);
      ++c;
    }
    for (const PlannedOutput& o : plan_.outputs) {
      const size_t i = static_cast<size_t>(o.index);
      const size_t f = static_cast<size_t>(o.feature);
      std::vector<ValueStatus>& statuses = out->statuses[c];
      std::vector<int64_t>& ts = out->event_timestamps[c];
      if (!o.on_demand) {
        const ViewValues& view = views_[i];
        SetColumn(c, o.name, view.values[f], out);
        statuses.assign(view.statuses[f].begin(), view.statuses[f].end());
        ts.assign(view.event_ts.begin(), view.event_ts.end());
      } else {
        const ArrayPtr& values = on_demand_[i][f];
        SetColumn(c, o.name, values, out);
        statuses.resize(n);
        for (size_t r = 0; r < n; ++r) {
          statuses[r] = values->IsNull(static_cast<int64_t>(r)) ? ValueStatus::kNullValue
                                                                : ValueStatus::kPresent;
        }
        ts.assign(n, 0);
      }
      ++c;
    }
  }

  const ReadPlan& plan_;
  const RecordBatch& entities_;
  OnlineStore* store_;
  const int64_t now_;
  const int64_t n_;
  std::vector<ArrayPtr> request_values_;
  // The thread's reusable buffers (ReadScratch).
  std::string& key_bytes_;
  std::vector<size_t>& ends_;
  std::vector<OnlineLookup>& lookups_;
  std::vector<int>& row_lookup_;
  std::vector<std::optional<OnlineRow>>& rows_;
  std::vector<ViewValues>& views_;
  std::vector<uint8_t>& is_null_;
  std::vector<KeyColumn>& keys_;
  std::vector<ArrayBuilder*>& view_builders_;
  std::vector<std::vector<std::unique_ptr<ArrayBuilder>>>& builders_;
  std::vector<std::vector<ArrayPtr>> on_demand_;
};

}  // namespace

Status ReadOnlineFeatures(const ReadPlan& plan, const RecordBatch& entities, OnlineStore* store,
                          int64_t now_micros, OnlineValues* out) {
  thread_local ReadScratch scratch;
  Status st = Reader(plan, entities, store, now_micros, &scratch).Run(out);
  if (entities.num_rows() > ReadScratch::kKeepRows) scratch = ReadScratch();
  return st;
}

Result<OnlineValues> ReadOnlineFeatures(const ReadPlan& plan, const RecordBatch& entities,
                                        OnlineStore* store, int64_t now_micros) {
  OnlineValues out;
  TS_RETURN_NOT_OK(ReadOnlineFeatures(plan, entities, store, now_micros, &out));
  return out;
}

}  // namespace tessera::online
