<?php
// One getOrders page through PHP's own SoapClient with the official WSDL, timed like the bot's run.
// Usage: php php_get_orders.php WSDL_PATH ENDPOINT_URL LIMIT RUNS  → one JSON line on stdout.
[$script, $wsdl, $endpoint, $limit, $runs] = $argv;
ini_set('memory_limit', '-1');
ini_set('soap.wsdl_cache_enabled', '1');
$client = new SoapClient($wsdl, [
    'location' => $endpoint,
    'trace' => false,
    'exceptions' => true,
    'cache_wsdl' => WSDL_CACHE_MEMORY,
    'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
]);
$request = ['request' => [
    'syncMarker' => 1,
    'syncMarkerLimit' => (int) $limit,
    'articlePluNumbers' => [],
    'articleBarcodes' => [],
]];
$times = [];
$count = 0;
$peak = 0;
for ($i = 0; $i < (int) $runs; $i++) {
    gc_collect_cycles();
    $before = memory_get_usage();
    memory_reset_peak_usage();
    $started = hrtime(true);
    $answer = $client->getOrders($request);
    $orders = $answer->orderList->order ?? [];
    $count = count($orders);
    // Touch every line so nothing is left lazily unread.
    $lines = 0;
    foreach ($orders as $order) {
        $lines += count($order->lineList->line ?? []);
    }
    $times[] = (hrtime(true) - $started) / 1e9;
    $peak = max($peak, memory_get_peak_usage() - $before);
    unset($answer, $orders);
}
echo json_encode([
    'best_s' => min($times),
    'times' => $times,
    'orders' => $count,
    'lines' => $lines,
    'peak_bytes' => $peak,
    'php' => PHP_VERSION,
]), "\n";
