# Allocation on fibers and channels: many small objects, strings, arrays.
ch = Channel(Int64).new
workers = 8
workers.times do |w|
  spawn do
    sum = 0_i64
    200.times do |i|
      arr = Array(String).new(100) { |j| "w#{w}-#{i}-#{j}" }
      sum += arr.sum(&.size)
    end
    ch.send(sum)
  end
end
total = 0_i64
workers.times { total += ch.receive }
puts total
h = Hash(String, Array(Int32)).new
20000.times { |i| h["k#{i}"] = Array.new(i % 17) { |j| j * i } }
puts h.size
puts h["k12345"].sum
GC.collect
puts "done"
