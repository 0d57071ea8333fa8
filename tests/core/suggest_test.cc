#include "tessera/core/suggest.h"

#include <gtest/gtest.h>

namespace tessera {
namespace {

TEST(EditDistance, LevenshteinWithAdjacentSwaps) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("", "ab"), 2u);
  EXPECT_EQ(EditDistance("amout", "amount"), 1u);   // insertion
  EXPECT_EQ(EditDistance("amount", "amont"), 1u);   // deletion
  EXPECT_EQ(EditDistance("amount", "amaunt"), 1u);  // substitution
  EXPECT_EQ(EditDistance("muont", "mount"), 1u);    // adjacent swap
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("abc", "cba"), 2u);
}

TEST(SuggestName, ClosestPlausibleCandidate) {
  const std::vector<std::string> names = {"amount", "amount_sum_24h", "user_id", "ts"};
  EXPECT_EQ(SuggestName("amout", names), "amount");
  EXPECT_EQ(SuggestName("user_di", names), "user_id");
  EXPECT_EQ(SuggestName("Amount", names), "amount");  // case-only difference first
  EXPECT_EQ(SuggestName("tz", names), "ts");          // short names allow one edit
  EXPECT_EQ(SuggestName("xyz", names), "");           // nothing close
  EXPECT_EQ(SuggestName("amount", names), "");        // exact is not a typo
  EXPECT_EQ(SuggestName("amoutn_sum_24", names), "amount_sum_24h");
  EXPECT_EQ(SuggestName("a", {}), "");
}

TEST(SuggestName, TiesGoToTheEarliestCandidate) {
  EXPECT_EQ(SuggestName("ab", {"ax", "ay"}), "ax");
  EXPECT_EQ(SuggestName("ab", {"ay", "ax"}), "ay");
}

TEST(DidYouMean, FormatsTheHint) {
  EXPECT_EQ(DidYouMean("amout", {"amount"}), " (did you mean 'amount'?)");
  EXPECT_EQ(DidYouMean("zzz", {"amount"}), "");
}

}  // namespace
}  // namespace tessera
